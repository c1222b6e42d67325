import { HOST_ERROR_MARK, type BatchColumnName, type ErrorReport, type HostCallbacks, type SetupOptions } from './contract.js';

/** Error thrown for invalid use of the trigger API; `code` is a `TB_ERR_*` code. */
export class TriggerApiError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'TriggerApiError';
    this.code = code;
  }
}

/** Thrown by `exit()` to end the current run early; the runner does not count it as an error. */
export const EXIT_SIGNAL: unique symbol = Symbol('exit');

/** Settings of this isolate's trigger and the host callbacks, set once by `setup`. */
export interface RuntimeConfig {
  host: HostCallbacks;
  options: SetupOptions;
  /** Index of each field name in the `dns` and `flow` columns, and their strides. */
  dnsField: Record<string, number>;
  flowField: Record<string, number>;
  dnsStride: number;
  flowStride: number;
  metricTypeCode: Record<string, number>;
}

let config: RuntimeConfig | null = null;

export function setConfig(value: RuntimeConfig): void {
  config = value;
}

export function getConfig(): RuntimeConfig {
  if (config === null) throw new Error('the trigger runtime is used before setup');
  return config;
}

/** The event being run and what the trigger did during it. */
export interface CurrentEvent {
  batchId: number;
  index: number;
  name: string;
  timestampMs: number;
  /** Per-event caches, cleared when the next event starts. */
  dnsObject: object | null;
  flowObject: object | null;
  flowStore: Record<string, unknown> | undefined;
  remoteQueued: boolean;
}

export const current: CurrentEvent = {
  batchId: -1,
  index: -1,
  name: '',
  timestampMs: 0,
  dnsObject: null,
  flowObject: null,
  flowStore: undefined,
  remoteQueued: false,
};

/**
 * Columns fetched from the host, by batch id. A few recent batches are kept because a batch
 * resumes after the REMOTE_RESPONSE batches that ran inside it, and refetching would copy its
 * columns again.
 */
const columnsByBatch = new Map<number, Map<BatchColumnName, unknown[]>>();
const MAX_CACHED_BATCHES = 4;

/** Returns a column of the current batch, fetching it from the host on first use. */
export function column(name: BatchColumnName): unknown[] {
  let columns = columnsByBatch.get(current.batchId);
  if (columns === undefined) {
    if (columnsByBatch.size >= MAX_CACHED_BATCHES) columnsByBatch.delete(columnsByBatch.keys().next().value as number);
    columns = new Map();
    columnsByBatch.set(current.batchId, columns);
  }
  let values = columns.get(name);
  if (values === undefined) {
    values = getConfig().host.column(current.batchId, name);
    columns.set(name, values);
  }
  return values;
}

/** Output of the current `runBatch` call, returned to the host when it ends or fetched by `drain`. */
export const pending: { metrics: unknown[]; errors: ErrorReport[] } = { metrics: [], errors: [] };

/** Builds the `TriggerName: ` prefix of every API error message. */
export function apiError(code: string, message: string): TriggerApiError {
  return new TriggerApiError(code, `${getConfig().options.triggerName}: ${message}`);
}

/**
 * Calls a host callback and turns its failures into TriggerApiError: a host error keeps its code
 * and message, and a value isolated-vm cannot copy gets TB_ERR_SANDBOX_INVALID_ARGUMENT.
 */
export function callHost<T>(where: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.startsWith(HOST_ERROR_MARK)) {
      const end = message.indexOf(HOST_ERROR_MARK, 1);
      throw apiError(message.slice(1, end), message.slice(end + 1));
    }
    throw apiError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `${where}: the arguments cannot be copied to the host (${message}); pass plain data.`);
  }
}

/** Short description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return `a value of type ${typeof value}`;
}

/** Defines a read-only, non-enumerable property, which the runner does not treat as a leaked global. */
export function defineFixed(target: object, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, writable: false, enumerable: false, configurable: false });
}

/** Defines a non-enumerable getter that cannot be replaced. */
export function defineGetter(target: object, name: string, get: () => unknown): void {
  Object.defineProperty(target, name, { get, enumerable: false, configurable: false });
}
