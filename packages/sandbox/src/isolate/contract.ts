/**
 * What the host passes into an isolate and what comes back. The host side declares the same
 * shapes in src/isolate-contract.ts; keep the two in step.
 */

/** Result of a host call: `[true, value]`, or `[false, code, message]` for an error to throw. */
export type HostReply = [true, unknown] | [false, string, string];

/** Functions of the host, bound into the isolate as synchronous callbacks. */
export interface HostCallbacks {
  session(method: string, args: unknown[]): HostReply;
  remote(target: string, method: string, options: unknown): HostReply;
  output(kind: 'debug' | 'log', text: string): void;
  hash(algorithm: string, input: unknown): HostReply;
  uuid(): string;
  /** Reads (`value` absent) or writes the `Flow.store` object of a flow. */
  flowStore(flowId: string, value?: unknown): HostReply;
  /** Returns one column of the current batch, see `BatchColumnName`. */
  column(batchId: number, name: BatchColumnName): unknown[];
}

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

/** What one `runBatch` call returns. */
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
