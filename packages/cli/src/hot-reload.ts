import { watch } from 'chokidar';
import type { Logger } from '@triggerbox/core';
import type { TriggerEngine } from '@triggerbox/sandbox';

export interface TriggerWatcher {
  /** Resolves once the initial scan is done, so that later edits are seen. */
  ready: Promise<void>;
  close(): Promise<void>;
}

const isTriggerFile = (path: string) => path.endsWith('.js') || path.endsWith('.json');

/**
 * Reloads trigger files when they change. A broken new version is reported and the last good one
 * keeps running, because the engine's reload keeps it.
 */
export function watchTriggers(
  paths: string[],
  engine: TriggerEngine,
  logger: Logger,
  enqueue: (work: () => Promise<void>) => Promise<void>,
): TriggerWatcher {
  const watcher = watch(paths, { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 100, pollInterval: 20 } });

  const reload = (file: string) =>
    enqueue(async () => {
      try {
        const trigger = await engine.reload(file);
        logger.info('trigger reloaded', { name: trigger.name, file });
      } catch {
        // The engine has logged the failure with the file and line, and kept the last good version.
      }
    });

  watcher.on('add', (file) => isTriggerFile(file) && void reload(file));
  watcher.on('change', (file) => isTriggerFile(file) && void reload(file));
  watcher.on('unlink', (file) => {
    if (!isTriggerFile(file)) return;
    void enqueue(async () => {
      engine.unload(file);
      logger.info('trigger unloaded', { file });
    });
  });
  watcher.on('error', (error) => logger.error('trigger watcher failed', { error: String(error) }));

  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { ready, close: () => watcher.close() };
}
