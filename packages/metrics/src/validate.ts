import { createError, type TriggerboxError } from '@triggerbox/core';
import { METRIC_ERROR_CODES, type MetricErrorCode } from './errors.js';
import { METRIC_SOURCES, METRIC_TYPES, type MetricSource, type MetricType, type RecordOptions } from './types.js';

/** Largest accepted value: 2^63 - 1 is not a double, so values must stay below 2^63. */
const VALUE_LIMIT = 2 ** 63;

export function metricError(code: MetricErrorCode, message: string): TriggerboxError {
  return createError(METRIC_ERROR_CODES, code, message);
}

/** Short description of an argument for error messages: its type and, when short, its text. */
export function describeArgument(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') {
    const excerpt = value.length > 40 ? `${value.slice(0, 40)}...` : value;
    return `string ${JSON.stringify(excerpt)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${typeof value} ${String(value)}`;
  }
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  return Array.isArray(value) ? 'an array' : 'an object';
}

const TYPE_METHOD_NAMES: Record<MetricType, string> = {
  count: 'Count',
  dataset: 'Dataset',
  sampleset: 'Sampleset',
  max: 'Max',
  snap: 'Snap',
  distinct: 'Distinct',
};

/** Trigger API method for a record call, such as `metricAddDetailCount`. */
export function methodName(type: MetricType, isDetail: boolean): string {
  return `metricAdd${isDetail ? 'Detail' : ''}${TYPE_METHOD_NAMES[type]}`;
}

/** Name of the value argument in the trigger API signature of `type`. */
function valueArgumentName(type: MetricType): string {
  if (type === 'count') return 'count';
  if (type === 'distinct') return 'item';
  return 'val';
}

export function validateKind(source: unknown, type: unknown): asserts type is MetricType {
  if (!METRIC_SOURCES.includes(source as MetricSource)) {
    throw metricError('TB_ERR_METRIC_INVALID_KIND', `MetricSink.record: source ${describeArgument(source)} is not "application" or "network".`);
  }
  if (!METRIC_TYPES.includes(type as MetricType)) {
    throw metricError('TB_ERR_METRIC_INVALID_KIND', `MetricSink.record: type ${describeArgument(type)} is not one of ${METRIC_TYPES.join(', ')}.`);
  }
}

export function validateNames(method: string, source: MetricSource, object: unknown, metric: unknown): void {
  if (typeof metric !== 'string' || metric.length === 0) {
    throw metricError('TB_ERR_METRIC_INVALID_NAME', `${method}: argument name must be a non-empty string, got ${describeArgument(metric)}.`);
  }
  if (typeof object !== 'string' || (source === 'application' && object.length === 0)) {
    throw metricError(
      'TB_ERR_METRIC_INVALID_NAME',
      `${method}: the application name must be a non-empty string, got ${describeArgument(object)}; call Application("name") with a string.`,
    );
  }
}

/** Options after validation, with defaults applied. */
export interface ParsedRecordOptions {
  freq: number;
  highPrecision: boolean;
}

const DEFAULT_OPTIONS: ParsedRecordOptions = Object.freeze({ freq: 1, highPrecision: false });

export function parseRecordOptions(method: string, options: unknown): ParsedRecordOptions {
  if (options === undefined || options === null) return DEFAULT_OPTIONS;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw metricError('TB_ERR_METRIC_INVALID_OPTION', `${method}: argument options must be an object such as {highPrecision: true}, got ${describeArgument(options)}.`);
  }

  const { freq, highPrecision } = options as RecordOptions;
  if (freq !== undefined && (typeof freq !== 'number' || !Number.isSafeInteger(freq) || freq < 1)) {
    throw metricError('TB_ERR_METRIC_INVALID_OPTION', `${method}: option freq must be a positive integer, got ${describeArgument(freq)}.`);
  }
  if (highPrecision !== undefined && typeof highPrecision !== 'boolean') {
    throw metricError('TB_ERR_METRIC_INVALID_OPTION', `${method}: option highPrecision must be true or false, got ${describeArgument(highPrecision)}.`);
  }
  if (freq === undefined && highPrecision === undefined) return DEFAULT_OPTIONS;
  return { freq: freq ?? 1, highPrecision: highPrecision ?? false };
}

/**
 * Checks a numeric metric value. Returns false for NaN, which the caller drops silently, and
 * throws for anything that is not an integer from 0 to 2^63 - 1.
 */
export function acceptNumber(method: string, type: MetricType, value: unknown): value is number {
  if (typeof value === 'number' && Number.isNaN(value)) return false;

  const argument = valueArgumentName(type);
  if (typeof value !== 'number') {
    throw metricError('TB_ERR_METRIC_INVALID_VALUE', `${method}: argument ${argument} must be a number, got ${describeArgument(value)}.`);
  }
  if (!Number.isInteger(value) || value < 0 || value >= VALUE_LIMIT) {
    throw metricError(
      'TB_ERR_METRIC_INVALID_VALUE',
      `${method}: argument ${argument} must be an integer from 0 to 2^63-1, got ${describeArgument(value)}; round it with Math.round or Math.floor first.`,
    );
  }
  return true;
}

/** Converts a distinct item to its string form; returns null for NaN, which is dropped. */
export function acceptItem(method: string, item: unknown): string | null {
  if (typeof item === 'string') return item;
  if (typeof item === 'number') return Number.isNaN(item) ? null : String(item);
  if (typeof item === 'bigint' || typeof item === 'boolean') return String(item);
  throw metricError(
    'TB_ERR_METRIC_INVALID_ITEM',
    `${method}: argument item must be a string or a number, got ${describeArgument(item)}; convert it to a string that identifies it.`,
  );
}
