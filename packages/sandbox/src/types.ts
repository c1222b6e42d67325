import type { Clock, EventName, Logger, TriggerEvent } from '@triggerbox/core';
import type { SessionTable } from '@triggerbox/session-table';
import type { RemoteHttp } from '@triggerbox/remote';
import type { TriggerErrorInfo } from './error-info.js';
import type { SystemInfo } from './isolate-contract.js';

export type MetricType = 'count' | 'dataset' | 'sampleset' | 'max' | 'snap' | 'distinct';

/** The part of `@triggerbox/metrics`' MetricSink the engine uses. */
export interface MetricRecorder {
  record(
    source: 'application' | 'network',
    object: string,
    type: MetricType,
    metric: string,
    detail: string | null,
    value: number | string,
    options?: { freq?: number; highPrecision?: boolean },
  ): void;
}

export interface TriggerEngineOptions {
  session: SessionTable;
  metrics: MetricRecorder;
  remote: RemoteHttp;
  clock: Clock;
  logger?: Logger;
  /** Heap limit of each trigger's isolate, in MB; 64 by default, at least 8. */
  memoryLimitMb?: number;
  /** Time one event run may take, in ms; 1000 by default. */
  timeoutMs?: number;
  /** Receives trigger `debug()` and `log()` lines, prefixed with the trigger name; `logger.info` by default. */
  debugOutput?: (line: string) => void;
  /** Values of the `System` global; by default a random uuid, this host's name and 127.0.0.1. */
  system?: Partial<SystemInfo>;
}

/** A loaded trigger and its counters. */
export interface TriggerInfo {
  name: string;
  /** Absolute path of the file it came from (a bundle for several triggers). */
  file: string;
  events: EventName[];
  debug: boolean;
  /** Event runs since the trigger was loaded or last reloaded. */
  runs: number;
  /** Runs that ended in an error, plus metric records the sink rejected. */
  errors: number;
  lastError?: TriggerErrorInfo;
}

export interface TriggerEngine {
  /** Loads trigger files, folders (their `*.js` files, sorted by path) and `.json` bundles, all or nothing. */
  load(paths: string[]): Promise<TriggerInfo[]>;
  /**
   * Loads the new contents of `file` in place of its triggers; loads it when it is new. On any
   * error the previous version keeps running, its `lastError` shows the error, and the error is thrown.
   */
  reload(file: string): Promise<TriggerInfo>;
  /** Stops and removes the triggers of `file`; does nothing when none is loaded from it. */
  unload(file: string): void;
  triggers(): TriggerInfo[];
  /** Runs the events through every subscribed trigger, in load order; see the package README. */
  fire(events: TriggerEvent[]): Promise<void>;
  close(): Promise<void>;
}
