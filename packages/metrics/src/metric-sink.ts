import { CYCLE_MS, type Clock } from '@triggerbox/core';
import { CycleStore } from './cycle-store.js';
import { formatJson, formatTable } from './format-text.js';
import { formatPrometheus } from './format-prometheus.js';
import { TotalsIndex, compareRows, toRow } from './row-store.js';
import type { CycleRow, MetricRow, MetricSource, MetricType, RecordOptions } from './types.js';
import {
  acceptItem,
  acceptNumber,
  describeArgument,
  metricError,
  methodName,
  parseRecordOptions,
  validateKind,
  validateNames,
} from './validate.js';

/** Length of a high-precision cycle. */
export const HIGH_PRECISION_CYCLE_MS = 1_000;

/** Retention defaults: 24 hours of 30-second cycles and one hour of 1-second cycles. */
export const METRIC_RETENTION_DEFAULTS = Object.freeze({
  retainCycles: 2_880,
  retainHighPrecisionCycles: 3_600,
});

export interface MetricSinkOptions {
  clock: Clock;
  /** Number of 30-second cycles kept for `cycleRows` (default 2,880, one day). */
  retainCycles?: number;
  /** Number of 1-second cycles kept for high-precision metrics (default 3,600, one hour). */
  retainHighPrecisionCycles?: number;
}

function validateRetention(name: string, value: number): number {
  if (Number.isSafeInteger(value) && value >= 1) return value;
  throw metricError('TB_ERR_METRIC_INVALID_CONFIG', `MetricSink option ${name} must be a positive integer number of cycles, got ${describeArgument(value)}.`);
}

/**
 * Collects the metrics triggers record. Each row is keyed by (source, object, metric, type,
 * detail) and kept three ways: a total over the run, 30-second cycles, and 1-second cycles for
 * calls with `highPrecision`. Cycles follow the injected clock, so replays roll them on capture time.
 */
export class MetricSink {
  readonly #clock: Clock;
  readonly #totals = new TotalsIndex();
  readonly #cycles: CycleStore;
  readonly #highPrecisionCycles: CycleStore;

  constructor(options: MetricSinkOptions) {
    this.#clock = options.clock;
    const retainCycles = validateRetention('retainCycles', options.retainCycles ?? METRIC_RETENTION_DEFAULTS.retainCycles);
    const retainHighPrecision = validateRetention(
      'retainHighPrecisionCycles',
      options.retainHighPrecisionCycles ?? METRIC_RETENTION_DEFAULTS.retainHighPrecisionCycles,
    );
    this.#cycles = new CycleStore(CYCLE_MS, retainCycles);
    this.#highPrecisionCycles = new CycleStore(HIGH_PRECISION_CYCLE_MS, retainHighPrecision);
  }

  /**
   * Records one `metricAdd*` call. `detail` is null for the methods without a detail key; for
   * detail methods use `recordDetail`, which drops a null key as the vendor does. For distinct
   * metrics `value` is the item and is converted to a string. A NaN value is dropped silently.
   * Other invalid arguments throw a TriggerboxError naming the trigger API method and argument.
   */
  record(
    source: MetricSource,
    object: string,
    type: MetricType,
    metric: string,
    detail: string | null,
    value: number | string,
    options?: RecordOptions,
  ): void {
    validateKind(source, type);
    const method = methodName(type, detail !== null);
    validateNames(method, source, object, metric);
    if (detail !== null && typeof detail !== 'string') {
      throw metricError('TB_ERR_METRIC_INVALID_DETAIL', `${method}: argument key must be a string, got ${describeArgument(detail)}.`);
    }
    const parsed = parseRecordOptions(method, options);

    let sample: number | string;
    if (type === 'distinct') {
      const item = acceptItem(method, value);
      if (item === null) return;
      sample = item;
    } else {
      if (!acceptNumber(method, type, value)) return;
      sample = value;
    }
    // freq repeats a value only for datasets and samplesets; other kinds record it once.
    const freq = type === 'dataset' || type === 'sampleset' ? parsed.freq : 1;

    const nowMs = this.#clock.nowMs();
    const total = this.#totals.get(source, object, metric, type, detail);
    total.aggregator.add(sample, freq);

    const cycleStartMs = this.#cycles.startOf(nowMs);
    if (total.cycleRow === null || total.cycleStartMs !== cycleStartMs) {
      total.cycleRow = this.#cycles.rowsAt(nowMs).get(total.key, source, object, metric, type, detail);
      total.cycleStartMs = cycleStartMs;
    }
    total.cycleRow.aggregator.add(sample, freq);

    if (!parsed.highPrecision) return;
    const secondStartMs = this.#highPrecisionCycles.startOf(nowMs);
    if (total.highPrecisionRow === null || total.highPrecisionStartMs !== secondStartMs) {
      total.highPrecisionRow = this.#highPrecisionCycles.rowsAt(nowMs).get(total.key, source, object, metric, type, detail);
      total.highPrecisionStartMs = secondStartMs;
    }
    total.highPrecisionRow.aggregator.add(sample, freq);
  }

  /**
   * Records a `metricAddDetail*` call. A null or undefined `detailKey` drops the call silently;
   * any other non-string key throws TB_ERR_METRIC_INVALID_DETAIL.
   */
  recordDetail(
    source: MetricSource,
    object: string,
    type: MetricType,
    metric: string,
    detailKey: unknown,
    value: number | string,
    options?: RecordOptions,
  ): void {
    validateKind(source, type);
    const method = methodName(type, true);
    validateNames(method, source, object, metric);
    if (detailKey === null || detailKey === undefined) return;
    if (typeof detailKey !== 'string') {
      throw metricError(
        'TB_ERR_METRIC_INVALID_DETAIL',
        `${method}: argument key must be a string, got ${describeArgument(detailKey)}; convert it with String() first.`,
      );
    }
    this.record(source, object, type, metric, detailKey, value, options);
  }

  /** Returns the totals over the whole run, sorted by source, object, metric, type and detail. */
  rows(): MetricRow[] {
    return this.#totals.values().map(toRow).sort(compareRows);
  }

  /**
   * Returns the retained cycles: 30-second cycles for every metric and 1-second cycles for
   * high-precision calls, sorted by cycle start, then cycle length, then row order.
   */
  cycleRows(): CycleRow[] {
    const result: CycleRow[] = [];
    for (const store of [this.#cycles, this.#highPrecisionCycles]) {
      for (const [cycleStartMs, rows] of store.entries()) {
        for (const state of rows.rows.values()) {
          result.push({ ...toRow(state), cycleStartMs, cycleMs: store.cycleMs });
        }
      }
    }
    return result.sort((a, b) => a.cycleStartMs - b.cycleStartMs || a.cycleMs - b.cycleMs || compareRows(a, b));
  }

  /** Formats rows (the totals by default) as an aligned text table for terminals. */
  toTable(rows: readonly (MetricRow | CycleRow)[] = this.rows()): string {
    return formatTable(rows);
  }

  /** Returns rows (the totals by default) as plain JSON data: `{ rows: [...] }`. */
  toJson(rows: readonly (MetricRow | CycleRow)[] = this.rows()): { rows: (MetricRow | CycleRow)[] } {
    return formatJson(rows);
  }

  /** Formats the totals in the Prometheus text exposition format (version 0.0.4). */
  toPrometheus(): string {
    return formatPrometheus(this.rows());
  }

  /** Forgets every row and cycle. */
  reset(): void {
    this.#totals.clear();
    this.#cycles.clear();
    this.#highPrecisionCycles.clear();
  }
}
