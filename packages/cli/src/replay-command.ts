import { statSync } from 'node:fs';
import { TriggerboxError, VirtualClock, type Logger, type TriggerEvent } from '@triggerbox/core';
import { startMemcachedServer, type MemcachedServer } from '@triggerbox/memcached';
import type { MetricRow } from '@triggerbox/metrics';
import { replayCaptures, type ReplaySummary } from '@triggerbox/replay';
import type { RemoteTargetConfig } from './config.js';
import { CycleScheduler, EventCounter } from './cycles.js';
import { Pacer } from './pacing.js';
import { ProgressLine } from './progress.js';
import { cliError } from './errors.js';
import { createWorkbench, type Workbench } from './workbench.js';

/** Events handed to the sandbox in one call; isolate crossings are the costly step. */
const BATCH_SIZE = 512;

export interface ReplayCommandOptions {
  captures: string[];
  triggers: string[];
  remotes: Record<string, RemoteTargetConfig>;
  /** Factor of the recorded pace; Infinity replays as fast as possible. */
  speed: number;
  /** Starts the memcached ingest server on the replay's clock while the replay runs. */
  ingest?: { host: string; port: number };
  logger: Logger;
  showProgress: boolean;
  debugOutput?: (line: string) => void;
  sessionCapacity?: number;
  memoryLimitMb?: number;
  triggerTimeoutMs?: number;
  pairingTimeoutMs?: number;
  /** Called once the ingest server accepts connections. */
  onIngestListening?: (address: { host: string; port: number }) => void;
}

export interface TriggerReport {
  name: string;
  file: string;
  runs: number;
  errors: number;
}

/** The summary of a replay, printed by `triggerbox replay --json`. */
export interface ReplayReport {
  capture: ReplaySummary;
  events: Record<string, number>;
  triggers: TriggerReport[];
  metrics: MetricRow[];
  remote: Record<string, number>;
}

/**
 * Loads the triggers before any event is read. A trigger that does not load stops the replay
 * before it starts, because its results would be missing from the summary without a trace.
 */
async function loadTriggers(workbench: Workbench, paths: string[]) {
  try {
    return await workbench.engine.load(paths);
  } catch (error) {
    if (!(error instanceof TriggerboxError)) throw error;
    throw new TriggerboxError(error.code, error.kind, `${error.message}\nNo event was replayed: fix the trigger, or leave its file out of --triggers.`, { cause: error });
  }
}

/** Total size of the capture files, or undefined when one is standard input. */
function totalFileBytes(paths: string[]): number | undefined {
  let total = 0;
  for (const path of paths) {
    if (path === '-') return undefined;
    try {
      total += statSync(path).size;
    } catch {
      return undefined; // The replay itself reports the unreadable file.
    }
  }
  return total;
}

/**
 * Replays captures through triggers on capture time: the clock follows the packets, so 30-second
 * expiry sweeps, SESSION_EXPIRE, TIMER_30SEC and metric cycles happen as they would have live.
 */
export async function runReplay(options: ReplayCommandOptions): Promise<ReplayReport> {
  const { logger } = options;
  const clock = new VirtualClock(0);
  const workbench = await createWorkbench({ ...options, clock });
  let ingest: MemcachedServer | undefined;

  try {
    const loaded = await loadTriggers(workbench, options.triggers);
    if (loaded.length === 0) {
      throw cliError('TB_ERR_CLI_NO_TRIGGERS', `No trigger files found in ${options.triggers.join(', ')}; give a .js trigger file or a folder that contains some.`);
    }

    if (options.ingest) {
      ingest = await startMemcachedServer({ table: workbench.table, clock, logger: logger.child({ component: 'memcached' }), ...options.ingest });
      logger.info('ingest server listening', { host: ingest.address.host, port: ingest.address.port });
      options.onIngestListening?.({ host: ingest.address.host, port: ingest.address.port });
    }

    const capture = await driveReplay(options, workbench, clock);
    return {
      capture: capture.summary,
      events: capture.counter.toJSON(),
      triggers: workbench.engine.triggers().map(({ name, file, runs, errors }) => ({ name, file, runs, errors })),
      metrics: workbench.metrics.rows(),
      remote: { ...workbench.remote.stats() },
    };
  } finally {
    await ingest?.close();
    await workbench.close();
  }
}

async function driveReplay(
  options: ReplayCommandOptions,
  workbench: Workbench,
  clock: VirtualClock,
): Promise<{ summary: ReplaySummary; counter: EventCounter }> {
  const { engine, table } = workbench;
  const counter = new EventCounter();
  const pacer = new Pacer(options.speed);
  const progress = new ProgressLine(process.stderr, options.showProgress);
  const totalBytes = totalFileBytes(options.captures);
  const session = replayCaptures({
    files: options.captures,
    logger: options.logger.child({ component: 'replay' }),
    ...(options.pairingTimeoutMs === undefined ? {} : { pairingTimeoutMs: options.pairingTimeoutMs }),
  });

  let scheduler: CycleScheduler | undefined;
  const pending: TriggerEvent[] = [];
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const batch = pending.splice(0, pending.length);
    // The clock is set to the batch's last packet, so expiries set during the batch are never early.
    clock.set(batch[batch.length - 1]!.timestampMs);
    await engine.fire(batch);
  };

  try {
    for await (const batch of session) {
      for (const event of batch) {
        if (scheduler === undefined) {
          clock.set(event.timestampMs);
          scheduler = new CycleScheduler(event.timestampMs, {
            table,
            fire: (events) => engine.fire(events),
            counter,
            logger: options.logger,
            setClock: (timeMs) => clock.set(timeMs),
          });
        }
        if (event.timestampMs >= scheduler.nextBoundaryMs) {
          await flush();
          await scheduler.runUntil(event.timestampMs);
        }
        const delayMs = pacer.delayMs(event.timestampMs);
        if (delayMs >= 1) {
          await flush();
          await pacer.wait(delayMs);
        }
        pending.push(event);
        counter.add(event.name);
        if (pending.length >= BATCH_SIZE) await flush();
      }
      const summary = session.summary();
      progress.update({
        messages: summary.dnsMessages,
        bytesRead: summary.bytesRead,
        ...(totalBytes === undefined ? {} : { totalBytes }),
      });
    }
    await flush();
  } finally {
    progress.finish();
  }
  return { summary: session.summary(), counter };
}
