/**
 * Host-side copy of the shapes in src/isolate/contract.ts, which the isolate build cannot share
 * with the host build because the two use different tsconfigs. Keep the two in step.
 */

export type HostReply = [true, unknown] | [false, string, string];

export interface HostCallbacks {
  session(method: string, args: unknown[]): HostReply;
  remote(target: string, method: string, options: unknown): HostReply;
  output(kind: 'debug' | 'log', text: string): void;
  hash(algorithm: string, input: unknown): HostReply;
  uuid(): string;
  flowStore(flowId: string, value?: unknown): HostReply;
  column(batchId: number, name: BatchColumnName): unknown[];
}

export type BatchColumnName = 'dns' | 'flow' | 'expiredKeys' | 'remoteResponse';

/** What `System` shows to triggers. */
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
