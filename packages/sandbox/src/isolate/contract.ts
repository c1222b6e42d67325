/**
 * Shapes of the data the host passes into an isolate and gets back. The host side declares the
 * same shapes in src/isolate-contract.ts, so keep the two in step.
 */

/**
 * Functions of the host, bound into the isolate as synchronous callbacks. Arguments and results
 * cross by copy. A failing callback throws an Error whose message is `HOST_ERROR_MARK`, the
 * `TB_ERR_*` code, `HOST_ERROR_MARK` again, then the message for the trigger.
 */
export interface HostCallbacks {
  sessionAdd(key: unknown, value: unknown, options: unknown): unknown;
  sessionLookup(key: unknown): unknown;
  sessionModify(key: unknown, value: unknown, options: unknown): unknown;
  sessionReplace(key: unknown, value: unknown, options: unknown): unknown;
  /** `Session.update`, the deprecated name of `replace`; errors name `update`. */
  sessionUpdate(key: unknown, value: unknown, options: unknown): unknown;
  sessionRemove(key: unknown): unknown;
  sessionIncrement(key: unknown, count: unknown): unknown;
  sessionGetOptions(key: unknown): unknown;
  /** Queues a Remote.HTTP request; returns whether it was queued. */
  remote(target: string, method: string, options: unknown): boolean;
  output(kind: 'debug' | 'log', text: string): void;
  hash(algorithm: string, input: unknown): string;
  uuid(): string;
  /** Returns the `Flow.store` object of a flow, or null when it has none yet. */
  flowStoreGet(flowId: string): unknown;
  flowStoreSet(flowId: string, value: unknown): void;
  /** Returns one column of the current batch, see `BatchColumnName`. */
  column(batchId: number, name: BatchColumnName): unknown[];
}

/** Starts and separates the code in the message of an error thrown by a host callback. */
export const HOST_ERROR_MARK = '\u0000';

/**
 * Event data is sent in columns, fetched on first use: `dns` and `flow` are flat arrays with a
 * fixed stride (field order from `SetupOptions`), the others hold one value per event.
 */
export type BatchColumnName = 'dns' | 'flow' | 'expiredKeys' | 'remoteResponse';

export interface SystemInfo {
  uuid: string;
  ipaddr: string;
  hostname: string;
  version: string;
}

export interface SetupOptions {
  triggerName: string;
  file: string;
  debug: boolean;
  /** Every event name, in the order of the codes used in batches. */
  eventNames: string[];
  /** Names of the events this trigger runs on. */
  subscribedEvents: string[];
  /** Metric types, in the order of the codes used in metric records. */
  metricTypes: string[];
  dnsFields: string[];
  flowFields: string[];
  system: SystemInfo;
  /** A run returns to the host before starting another event once it has used this much time. */
  sliceMs: number;
  /**
   * Shared memory, read by the host after an interrupted run: Int32 slot 0 is the batch index of
   * the running event (-1 between runs), slot 1 the events started in the current call.
   */
  progress: SharedArrayBuffer;
}

/** An exception thrown by the trigger during one event. */
export interface ErrorReport {
  /** Batch index of the event. */
  index: number;
  /** `TB_ERR_*` code for API errors, empty for the script's own exceptions. */
  code: string;
  /** Error class name such as `TypeError`, or `Error` for thrown non-errors. */
  errorName: string;
  message: string;
  stack: string;
}

/** Result of one `runBatch` call. */
export interface BatchResult {
  /** Batch index to continue from; equals the batch length when every event has run. */
  next: number;
  runs: number;
  /** True when the run stopped because the trigger queued a Remote.HTTP request. */
  remoteQueued: boolean;
  /** Metric records, `METRIC_RECORD_SIZE` values each. */
  metrics: unknown[];
  errors: ErrorReport[];
}

/**
 * Length of one metric record: source (0 application, 1 network), object name, type code,
 * metric name, detail key or null, value, freq (0 when absent), highPrecision (0 or 1).
 */
export const METRIC_RECORD_SIZE = 8;
