import type { Clock, Logger } from '@triggerbox/core';
import { SessionTable } from '@triggerbox/session-table';
import { MetricSink } from '@triggerbox/metrics';
import { RemoteHttp } from '@triggerbox/remote';
import { createTriggerEngine, type TriggerEngine } from '@triggerbox/sandbox';
import type { RemoteTargetConfig } from './config.js';

export interface WorkbenchOptions {
  clock: Clock;
  logger: Logger;
  remotes: Record<string, RemoteTargetConfig>;
  sessionCapacity?: number;
  memoryLimitMb?: number;
  triggerTimeoutMs?: number;
  /** Where trigger `debug()` and `log()` lines go. */
  debugOutput?: (line: string) => void;
}

/** The parts every command wires together: session table, metric sink, remote targets, triggers. */
export interface Workbench {
  clock: Clock;
  table: SessionTable;
  metrics: MetricSink;
  remote: RemoteHttp;
  engine: TriggerEngine;
  close(): Promise<void>;
}

export async function createWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  const { clock, logger } = options;
  const table = new SessionTable({
    clock,
    logger: logger.child({ component: 'session' }),
    ...(options.sessionCapacity === undefined ? {} : { capacity: options.sessionCapacity }),
  });
  const metrics = new MetricSink({ clock });
  const remote = new RemoteHttp({ targets: options.remotes, clock, logger: logger.child({ component: 'remote' }) });
  const engine = await createTriggerEngine({
    session: table,
    metrics,
    remote,
    clock,
    logger: logger.child({ component: 'sandbox' }),
    ...(options.memoryLimitMb === undefined ? {} : { memoryLimitMb: options.memoryLimitMb }),
    ...(options.triggerTimeoutMs === undefined ? {} : { timeoutMs: options.triggerTimeoutMs }),
    ...(options.debugOutput === undefined ? {} : { debugOutput: options.debugOutput }),
  });

  return {
    clock,
    table,
    metrics,
    remote,
    engine,
    async close() {
      try {
        await engine.close();
      } finally {
        await remote.close();
      }
    },
  };
}
