export { MetricSink, HIGH_PRECISION_CYCLE_MS, METRIC_RETENTION_DEFAULTS } from './metric-sink.js';
export type { MetricSinkOptions } from './metric-sink.js';
export { HyperLogLog } from './hyperloglog.js';
export { formatTable as formatMetricTable } from './format-text.js';
export { METRIC_ERROR_CODES } from './errors.js';
export type { MetricErrorCode } from './errors.js';
export { METRIC_SOURCES, METRIC_TYPES } from './types.js';
export type {
  CycleRow,
  DatasetSummary,
  MetricRow,
  MetricSource,
  MetricType,
  MetricValue,
  RecordOptions,
  SamplesetSummary,
} from './types.js';
