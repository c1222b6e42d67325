import { HyperLogLog } from './hyperloglog.js';
import type { DatasetSummary, MetricType, MetricValue, SamplesetSummary } from './types.js';

/** Accumulated state of one metric row in one cycle (or over the whole run). */
export interface Aggregator {
  /** Records a number (or, for distinct, an item string) `freq` times. */
  add(value: number | string, freq: number): void;
  summary(): MetricValue;
}

class CountAggregator implements Aggregator {
  #sum = 0;
  add(value: number | string): void {
    this.#sum += value as number;
  }
  summary(): number {
    return this.#sum;
  }
}

class MaxAggregator implements Aggregator {
  #max = Number.NEGATIVE_INFINITY;
  add(value: number | string): void {
    if ((value as number) > this.#max) this.#max = value as number;
  }
  summary(): number {
    return this.#max;
  }
}

class SnapAggregator implements Aggregator {
  #latest = 0;
  add(value: number | string): void {
    this.#latest = value as number;
  }
  summary(): number {
    return this.#latest;
  }
}

class DistinctAggregator implements Aggregator {
  readonly #counter = new HyperLogLog();
  add(value: number | string): void {
    this.#counter.add(value as string);
  }
  summary(): number {
    return this.#counter.estimate();
  }
}

/** Running weighted mean and sum of squared deviations, updated per value to avoid cancellation. */
class SamplesetAggregator implements Aggregator {
  #count = 0;
  #sum = 0;
  #mean = 0;
  #squaredDeviations = 0;

  add(value: number | string, freq: number): void {
    const sample = value as number;
    this.#count += freq;
    this.#sum += sample * freq;
    const delta = sample - this.#mean;
    this.#mean += (delta * freq) / this.#count;
    this.#squaredDeviations += freq * delta * (sample - this.#mean);
  }

  summary(): SamplesetSummary {
    const count = this.#count;
    return {
      count,
      sum: this.#sum,
      mean: count === 0 ? 0 : this.#sum / count,
      sd: count === 0 ? 0 : Math.sqrt(Math.max(0, this.#squaredDeviations) / count),
    };
  }
}

/** Exact distribution as a value-to-frequency map; percentiles by nearest rank. */
class DatasetAggregator implements Aggregator {
  readonly #frequencies = new Map<number, number>();
  #count = 0;
  #sum = 0;

  add(value: number | string, freq: number): void {
    const sample = value as number;
    this.#frequencies.set(sample, (this.#frequencies.get(sample) ?? 0) + freq);
    this.#count += freq;
    this.#sum += sample * freq;
  }

  summary(): DatasetSummary {
    const values = [...this.#frequencies.keys()].sort((a, b) => a - b);
    const percentiles = [25, 50, 75, 95, 99];
    // Nearest rank: the smallest value whose cumulative frequency reaches ceil(p/100 * count).
    const targets = percentiles.map((percent) => Math.max(1, Math.ceil((percent / 100) * this.#count)));
    const results: number[] = [];
    let cumulative = 0;
    for (const value of values) {
      cumulative += this.#frequencies.get(value)!;
      while (results.length < targets.length && cumulative >= targets[results.length]!) results.push(value);
      if (results.length === targets.length) break;
    }
    const [p25 = 0, p50 = 0, p75 = 0, p95 = 0, p99 = 0] = results;

    return {
      count: this.#count,
      sum: this.#sum,
      min: values[0] ?? 0,
      max: values[values.length - 1] ?? 0,
      p25,
      p50,
      p75,
      p95,
      p99,
    };
  }
}

export function createAggregator(type: MetricType): Aggregator {
  switch (type) {
    case 'count':
      return new CountAggregator();
    case 'max':
      return new MaxAggregator();
    case 'snap':
      return new SnapAggregator();
    case 'distinct':
      return new DistinctAggregator();
    case 'sampleset':
      return new SamplesetAggregator();
    case 'dataset':
      return new DatasetAggregator();
  }
}
