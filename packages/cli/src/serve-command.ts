import { existsSync } from 'node:fs';
import { SystemClock, cycleStart, CYCLE_MS, type Logger } from '@triggerbox/core';
import { startMemcachedServer, loadState, saveState, type MemcachedServer } from '@triggerbox/memcached';
import type { RemoteTargetConfig } from './config.js';
import { CycleScheduler, EventCounter } from './cycles.js';
import { watchTriggers, type TriggerWatcher } from './hot-reload.js';
import { createWorkbench, type Workbench } from './workbench.js';

export interface ServeCommandOptions {
  host: string;
  port: number;
  udpPort?: number;
  triggers: string[];
  remotes: Record<string, RemoteTargetConfig>;
  stateFile?: string;
  watch: boolean;
  logger: Logger;
  debugOutput?: (line: string) => void;
  sessionCapacity?: number;
  memoryLimitMb?: number;
  triggerTimeoutMs?: number;
  /** Called once the server accepts connections, with the line to print. */
  onListening?: (server: MemcachedServer) => void;
}

/** A running `triggerbox serve`; `stop()` drains connections and saves the state file. */
export interface ServeHandle {
  server: MemcachedServer;
  workbench: Workbench;
  stop(): Promise<void>;
}

/**
 * Runs the ingest server with triggers loaded, on wall-clock time: every 30-second boundary sweeps
 * the table (SESSION_EXPIRE) and fires TIMER_30SEC.
 */
export async function startServe(options: ServeCommandOptions): Promise<ServeHandle> {
  const { logger } = options;
  const clock = new SystemClock();
  const workbench = await createWorkbench({ ...options, clock });

  if (options.stateFile && existsSync(options.stateFile)) {
    await loadState(workbench.table, options.stateFile);
    logger.info('session table restored', { file: options.stateFile, keys: workbench.table.size });
  }
  if (options.triggers.length > 0) {
    const loaded = await workbench.engine.load(options.triggers);
    logger.info('triggers loaded', { count: loaded.length, names: loaded.map((trigger) => trigger.name).join(',') });
  }

  const server = await startMemcachedServer({
    table: workbench.table,
    clock,
    logger: logger.child({ component: 'memcached' }),
    host: options.host,
    port: options.port,
    ...(options.udpPort === undefined ? {} : { udpPort: options.udpPort }),
  });

  // Trigger runs are queued one after another so that timer events and reloads never overlap.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<void>): Promise<void> => {
    queue = queue.then(work).catch((error: unknown) => logger.error('trigger run failed', { error: String(error) }));
    return queue;
  };

  const scheduler = new CycleScheduler(clock.nowMs(), {
    table: workbench.table,
    fire: (events) => workbench.engine.fire(events),
    counter: new EventCounter(),
    logger,
  });
  let timer: NodeJS.Timeout | undefined;
  const armTimer = () => {
    const delayMs = cycleStart(clock.nowMs()) + CYCLE_MS - clock.nowMs();
    timer = setTimeout(() => {
      void enqueue(() => scheduler.runUntil(clock.nowMs()));
      armTimer();
    }, delayMs);
    timer.unref();
  };
  armTimer();

  let watcher: TriggerWatcher | undefined;
  if (options.watch && options.triggers.length > 0) {
    watcher = watchTriggers(options.triggers, workbench.engine, logger, enqueue);
    await watcher.ready;
  }

  options.onListening?.(server);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearTimeout(timer);
      await watcher?.close();
      await server.close({ drainTimeoutMs: 5_000 });
      await queue;
      if (options.stateFile) {
        await saveState(workbench.table, options.stateFile);
        logger.info('session table saved', { file: options.stateFile, keys: workbench.table.size });
      }
      await workbench.close();
    })();
    return stopping;
  };
  return { server, workbench, stop };
}
