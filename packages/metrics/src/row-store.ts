import { createAggregator, type Aggregator } from './aggregators.js';
import type { MetricRow, MetricSource, MetricType } from './types.js';

/** One metric row being accumulated: its identity and its aggregator. */
export interface RowState {
  key: string;
  source: MetricSource;
  object: string;
  metric: string;
  type: MetricType;
  detail: string | null;
  aggregator: Aggregator;
  /**
   * For a total row: the same row in the cycle it was last recorded in, and that cycle's start,
   * so consecutive records in one cycle skip the cycle store lookup. Unused in cycle rows.
   */
  cycleRow: RowState | null;
  cycleStartMs: number;
  highPrecisionRow: RowState | null;
  highPrecisionStartMs: number;
}

/**
 * Builds the map key of a row. Lengths prefix the free-form parts, so distinct identities never
 * produce the same key whatever characters the names contain.
 */
export function rowKey(source: MetricSource, object: string, metric: string, type: MetricType, detail: string | null): string {
  const detailPart = detail === null ? '-' : `${detail.length}:${detail}`;
  return `${source}/${type}/${object.length}:${object}${metric.length}:${metric}${detailPart}`;
}

/** Rows keyed by `rowKey`, created on first use. */
export class RowStore {
  readonly rows = new Map<string, RowState>();

  get(key: string, source: MetricSource, object: string, metric: string, type: MetricType, detail: string | null): RowState {
    let state = this.rows.get(key);
    if (state === undefined) {
      state = {
        key,
        source,
        object,
        metric,
        type,
        detail,
        aggregator: createAggregator(type),
        cycleRow: null,
        cycleStartMs: Number.NaN,
        highPrecisionRow: null,
        highPrecisionStartMs: Number.NaN,
      };
      this.rows.set(key, state);
    }
    return state;
  }
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function compareDetail(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return compareText(a, b);
}

/** Orders rows by source, object, metric, type, then detail (null first), by UTF-16 code units. */
export function compareRows(a: Omit<MetricRow, 'value'>, b: Omit<MetricRow, 'value'>): number {
  return (
    compareText(a.source, b.source) ||
    compareText(a.object, b.object) ||
    compareText(a.metric, b.metric) ||
    compareText(a.type, b.type) ||
    compareDetail(a.detail, b.detail)
  );
}

export function toRow(state: RowState): MetricRow {
  return {
    source: state.source,
    object: state.object,
    metric: state.metric,
    type: state.type,
    detail: state.detail,
    value: state.aggregator.summary(),
  };
}
