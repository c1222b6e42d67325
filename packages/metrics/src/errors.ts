import type { ErrorCodeTable } from '@triggerbox/core';

/** Error codes raised by the metric sink, listed in docs/errors.md. */
export const METRIC_ERROR_CODES = {
  TB_ERR_METRIC_INVALID_NAME: {
    kind: 'user',
    fix: 'Metric names and application names must be non-empty strings; pass the name as a string literal or convert it with String().',
  },
  TB_ERR_METRIC_INVALID_DETAIL: {
    kind: 'user',
    fix: 'A detail key must be a string (or null, which drops the call); convert numbers and addresses with String() or toString().',
  },
  TB_ERR_METRIC_INVALID_VALUE: {
    kind: 'user',
    fix: 'Metric values must be integers from 0 to 2^63-1 (NaN is dropped silently); round fractional values with Math.round and make negative ones positive.',
  },
  TB_ERR_METRIC_INVALID_ITEM: {
    kind: 'user',
    fix: 'metricAddDistinct takes a string or number item; convert other values to a string that identifies them.',
  },
  TB_ERR_METRIC_INVALID_OPTION: {
    kind: 'user',
    fix: 'Metric options accept freq (a positive integer, for datasets and samplesets) and highPrecision (a boolean); fix or remove the named option.',
  },
  TB_ERR_METRIC_INVALID_KIND: {
    kind: 'system',
    fix: 'The caller passed an unknown metric source or type to the metric sink; this is a bug in Triggerbox, please report it.',
  },
  TB_ERR_METRIC_INVALID_CONFIG: {
    kind: 'user',
    fix: 'The metric sink cycle retention must be a positive integer number of cycles.',
  },
} as const satisfies ErrorCodeTable;

export type MetricErrorCode = keyof typeof METRIC_ERROR_CODES;
