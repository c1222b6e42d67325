/**
 * Host-side copy of the shapes in src/isolate/contract.ts, which the isolate build cannot share
 * with the host build because the two use different tsconfigs. Keep the two in step.
 */

/** See src/isolate/contract.ts for the error convention of these callbacks. */
export interface HostCallbacks {
  sessionAdd(key: unknown, value: unknown, options: unknown): unknown;
  sessionLookup(key: unknown): unknown;
  sessionModify(key: unknown, value: unknown, options: unknown): unknown;
  sessionReplace(key: unknown, value: unknown, options: unknown): unknown;
  sessionUpdate(key: unknown, value: unknown, options: unknown): unknown;
  sessionRemove(key: unknown): unknown;
  sessionIncrement(key: unknown, count: unknown): unknown;
  sessionGetOptions(key: unknown): unknown;
  remote(target: string, method: string, options: unknown): boolean;
  output(kind: 'debug' | 'log', text: string): void;
  hash(algorithm: string, input: unknown): string;
  uuid(): string;
  flowStoreGet(flowId: string): unknown;
  flowStoreSet(flowId: string, value: unknown): void;
  column(batchId: number, name: BatchColumnName): unknown[];
}

export const HOST_ERROR_MARK = '\u0000';

export type BatchColumnName = 'dns' | 'flow' | 'expiredKeys' | 'remoteResponse';

/** Values of the `System` global. */
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
  eventNames: string[];
  subscribedEvents: string[];
  metricTypes: string[];
  dnsFields: string[];
  flowFields: string[];
  system: SystemInfo;
  sliceMs: number;
  progress: SharedArrayBuffer;
}

export interface ErrorReport {
  index: number;
  code: string;
  errorName: string;
  message: string;
  stack: string;
}

export interface BatchResult {
  next: number;
  runs: number;
  remoteQueued: boolean;
  metrics: unknown[];
  errors: ErrorReport[];
}

/** Metric types in the order of their codes in metric records. */
export const METRIC_TYPES = ['count', 'dataset', 'sampleset', 'max', 'snap', 'distinct'] as const;

/** See METRIC_RECORD_SIZE in src/isolate/contract.ts for the record layout. */
export const METRIC_RECORD_SIZE = 8;
