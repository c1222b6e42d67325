import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { TriggerboxError } from '@triggerbox/core';
import type { SessionTable, TableSnapshot } from '@triggerbox/session-table';

import { memcachedError } from './errors.js';

/**
 * Writes `table.snapshot()` to `path` as JSON, atomically. The data goes to a temporary file in
 * the same directory, is flushed to disk and is renamed over `path`. A crash therefore leaves
 * either the old file or the new one, never a partial file.
 */
export async function saveState(table: SessionTable, path: string): Promise<void> {
  const json = JSON.stringify(table.snapshot());
  const directory = dirname(path);
  const temporaryPath = join(directory, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);

  try {
    const file = await open(temporaryPath, 'wx');
    try {
      await file.writeFile(json, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporaryPath, path);
    await syncDirectory(directory);
  } catch (error) {
    await rm(temporaryPath, { force: true });
    throw memcachedError(
      'TB_ERR_MEMCACHED_STATE_FILE_IO',
      `Writing the state file ${path} failed: ${(error as Error).message}. Check that the directory exists and is writable.`,
      { cause: error },
    );
  }
}

/** Makes a rename durable. Some platforms cannot open a directory, which is not an error. */
async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // NOTE: opening a directory fails on Windows, so the rename is not flushed to disk there.
  } finally {
    await handle?.close();
  }
}

/**
 * Restores `table` from a file written by `saveState`. Returns false, leaving the table
 * unchanged, when the file does not exist. Throws TB_ERR_MEMCACHED_STATE_FILE_INVALID when
 * it is not JSON, and the session table's own error when the snapshot inside is invalid.
 */
export async function loadState(table: SessionTable, path: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw memcachedError(
      'TB_ERR_MEMCACHED_STATE_FILE_IO',
      `Reading the state file ${path} failed: ${(error as Error).message}. Check that the file is readable.`,
      { cause: error },
    );
  }

  let snapshot: unknown;
  try {
    snapshot = JSON.parse(text);
  } catch (error) {
    throw memcachedError(
      'TB_ERR_MEMCACHED_STATE_FILE_INVALID',
      `The state file ${path} is not valid JSON (${(error as Error).message}); delete it or point --state-file at another path.`,
      { cause: error },
    );
  }

  try {
    table.restore(snapshot as TableSnapshot);
  } catch (error) {
    if (error instanceof TriggerboxError) throw error;
    throw memcachedError(
      'TB_ERR_MEMCACHED_STATE_FILE_INVALID',
      `The state file ${path} does not contain a session-table snapshot: ${(error as Error).message}.`,
      { cause: error },
    );
  }
  return true;
}
