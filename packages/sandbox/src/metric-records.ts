import { METRIC_RECORD_SIZE, METRIC_TYPES } from './isolate-contract.js';
import type { MetricRecorder, MetricType } from './types.js';

/**
 * Hands the metric records an isolate buffered to the sink, in the order the trigger made them.
 * Returns the errors of records the sink rejected; the other records are kept.
 */
export function recordMetrics(sink: MetricRecorder, records: unknown[]): unknown[] {
  const rejected: unknown[] = [];
  for (let offset = 0; offset + METRIC_RECORD_SIZE <= records.length; offset += METRIC_RECORD_SIZE) {
    const source = records[offset] === 0 ? 'application' : 'network';
    const type = METRIC_TYPES[records[offset + 2] as number] as MetricType;
    const freq = records[offset + 6] as number;
    const highPrecision = records[offset + 7] === 1;
    const options = freq > 0 || highPrecision ? { ...(freq > 0 ? { freq } : {}), ...(highPrecision ? { highPrecision } : {}) } : undefined;
    try {
      sink.record(
        source,
        records[offset + 1] as string,
        type,
        records[offset + 3] as string,
        records[offset + 4] as string | null,
        records[offset + 5] as number | string,
        options,
      );
    } catch (error) {
      rejected.push(error);
    }
  }
  return rejected;
}
