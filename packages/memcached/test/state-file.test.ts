import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { VirtualClock } from '@triggerbox/core';
import { SessionTable } from '@triggerbox/session-table';

import { loadState, saveState } from '../src/index.js';
import { RawClient, TEST_START_MS, startTestServer } from './helpers.js';

async function temporaryDirectory(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'tb-memcached-state-'));
  t.after(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

describe('state file', () => {
  test('state: save then load round-trips', async (t) => {
    const directory = await temporaryDirectory(t);
    const path = join(directory, 'session.json');
    const harness = await startTestServer();
    const client = await RawClient.connect(harness.port);
    const binary = Buffer.from([0x00, 0xff, 0x0d, 0x0a]);
    await client.text(Buffer.concat([Buffer.from('set kept 7 0 4\r\n'), binary, Buffer.from('\r\nset ttl 0 100 1\r\nx\r\n')]));
    harness.table.replace('trigger', { a: 1 });
    await saveState(harness.table, path);
    client.close();
    await harness.close();

    const clock = new VirtualClock(TEST_START_MS);
    const restored = new SessionTable({ clock });
    assert.equal(await loadState(restored, path), true);
    assert.deepEqual(restored.getItem('kept')?.data, binary);
    assert.equal(restored.getItem('kept')?.flags, 7);
    assert.deepEqual(restored.lookup('trigger'), { a: 1 });
    assert.ok(restored.getItem('ttl'));
    clock.advance(100_000);
    assert.equal(restored.getItem('ttl'), null);
  });

  test('state: write leaves no temporary file', async (t) => {
    const directory = await temporaryDirectory(t);
    const path = join(directory, 'session.json');
    const table = new SessionTable({ clock: new VirtualClock(TEST_START_MS) });
    table.storeItem('a', Buffer.from('1'), 0, { kind: 'never' });
    await writeFile(path, 'old contents');
    await saveState(table, path);
    assert.deepEqual(await readdir(directory), ['session.json']);
    const saved = JSON.parse(await readFile(path, 'utf8')) as { format: string; entries: unknown[] };
    assert.equal(saved.format, 'triggerbox-session-table');
    assert.equal(saved.entries.length, 1);
  });

  test('state: missing file loads nothing', async (t) => {
    const directory = await temporaryDirectory(t);
    const table = new SessionTable({ clock: new VirtualClock(TEST_START_MS) });
    table.storeItem('a', Buffer.from('1'), 0, { kind: 'never' });
    assert.equal(await loadState(table, join(directory, 'absent.json')), false);
    assert.equal(table.stats().currItems, 1);
  });

  test('state: invalid JSON rejected', async (t) => {
    const directory = await temporaryDirectory(t);
    const path = join(directory, 'broken.json');
    await writeFile(path, '{"format": "triggerbox-session-table", ');
    const table = new SessionTable({ clock: new VirtualClock(TEST_START_MS) });
    await assert.rejects(loadState(table, path), (error: Error & { code?: string }) => {
      return error.code === 'TB_ERR_MEMCACHED_STATE_FILE_INVALID' && error.message.includes(path) && /not valid JSON/.test(error.message);
    });
  });

  test('state: foreign JSON rejected, table kept', async (t) => {
    const directory = await temporaryDirectory(t);
    const path = join(directory, 'other.json');
    await writeFile(path, JSON.stringify({ hello: 'world' }));
    const table = new SessionTable({ clock: new VirtualClock(TEST_START_MS) });
    table.storeItem('a', Buffer.from('1'), 0, { kind: 'never' });
    await assert.rejects(loadState(table, path), (error: Error & { code?: string }) => typeof error.code === 'string' && error.code.startsWith('TB_ERR_'));
    assert.equal(table.getItem('a')?.data.toString(), '1');
  });

  test('state: unwritable directory reported', async (t) => {
    const directory = await temporaryDirectory(t);
    const table = new SessionTable({ clock: new VirtualClock(TEST_START_MS) });
    const path = join(directory, 'missing-subdirectory', 'session.json');
    await assert.rejects(saveState(table, path), (error: Error & { code?: string }) => {
      return error.code === 'TB_ERR_MEMCACHED_STATE_FILE_IO' && error.message.includes(path);
    });
  });
});
