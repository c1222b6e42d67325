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
      state = createRowState(key, source, object, metric, type, detail);
      this.rows.set(key, state);
    }
    return state;
  }
}

function createRowState(
  key: string,
  source: MetricSource,
  object: string,
  metric: string,
  type: MetricType,
  detail: string | null,
): RowState {
  return {
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

/** Rows of one metric name under one object: the row without detail and the detail rows. */
interface MetricNode {
  plain: RowState | null;
  details: Map<string, RowState> | null;
}

const SOURCE_INDEX: Record<MetricSource, number> = { application: 0, network: 1 };
const TYPE_INDEX: Record<MetricType, number> = { count: 0, dataset: 1, sampleset: 2, max: 3, snap: 4, distinct: 5 };

/**
 * Run totals indexed by source and type, then object, metric and detail in nested maps. Each
 * record hashes the caller's strings instead of building and hashing one concatenated key.
 */
export class TotalsIndex {
  /** Per source and type (source * 6 + type): object name to metric name to node. */
  #objects: Map<string, Map<string, MetricNode>>[] = TotalsIndex.#emptyObjects();
  #rows: RowState[] = [];

  static #emptyObjects(): Map<string, Map<string, MetricNode>>[] {
    return Array.from({ length: 12 }, () => new Map<string, Map<string, MetricNode>>());
  }

  get(source: MetricSource, object: string, metric: string, type: MetricType, detail: string | null): RowState {
    const objects = this.#objects[SOURCE_INDEX[source] * 6 + TYPE_INDEX[type]]!;
    let metrics = objects.get(object);
    if (metrics === undefined) {
      metrics = new Map();
      objects.set(object, metrics);
    }
    let node = metrics.get(metric);
    if (node === undefined) {
      node = { plain: null, details: null };
      metrics.set(metric, node);
    }

    if (detail === null) {
      node.plain ??= this.#create(source, object, metric, type, null);
      return node.plain;
    }
    node.details ??= new Map();
    let state = node.details.get(detail);
    if (state === undefined) {
      state = this.#create(source, object, metric, type, detail);
      node.details.set(detail, state);
    }
    return state;
  }

  /** Returns every total row, in creation order. */
  values(): readonly RowState[] {
    return this.#rows;
  }

  clear(): void {
    this.#objects = TotalsIndex.#emptyObjects();
    this.#rows = [];
  }

  #create(source: MetricSource, object: string, metric: string, type: MetricType, detail: string | null): RowState {
    const key = rowKey(source, object, metric, type, detail);
    const state = createRowState(key, source, object, metric, type, detail);
    this.#rows.push(state);
    return state;
  }
}
