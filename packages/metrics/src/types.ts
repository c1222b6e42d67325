/** Object a metric belongs to: an application (`Application("name")`) or the network (`Network`). */
export type MetricSource = 'application' | 'network';

/** Metric kind, one per `metricAdd*` method family. */
export type MetricType = 'count' | 'dataset' | 'sampleset' | 'max' | 'snap' | 'distinct';

export const METRIC_SOURCES: readonly MetricSource[] = ['application', 'network'];
export const METRIC_TYPES: readonly MetricType[] = ['count', 'dataset', 'sampleset', 'max', 'snap', 'distinct'];

/** Options of a `metricAdd*` call. */
export interface RecordOptions {
  /** Number of times the value is recorded, for datasets and samplesets (default 1). */
  freq?: number;
  /** Also keep 1-second cycles for this metric. */
  highPrecision?: boolean;
}

/** Distribution summary of a dataset metric. Percentiles use the nearest-rank method. */
export interface DatasetSummary {
  count: number;
  sum: number;
  min: number;
  max: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
  p99: number;
}

/** Summary of a sampleset metric; `sd` is the population standard deviation. */
export interface SamplesetSummary {
  count: number;
  sum: number;
  mean: number;
  sd: number;
}

export type MetricValue = number | DatasetSummary | SamplesetSummary;

/** One metric, keyed by (source, object, metric, type, detail). */
export interface MetricRow {
  source: MetricSource;
  /** Application name, or the network name (`Network` records under `network`). */
  object: string;
  metric: string;
  type: MetricType;
  /** Detail key, or null for the metric itself. */
  detail: string | null;
  /** Sum for count, maximum for max, latest value for snap, estimated unique items for distinct. */
  value: MetricValue;
}

/** A metric's value within one cycle. */
export interface CycleRow extends MetricRow {
  /** Start of the cycle in ms since the epoch. */
  cycleStartMs: number;
  /** Cycle length: 30,000 ms, or 1,000 ms for high-precision metrics. */
  cycleMs: number;
}
