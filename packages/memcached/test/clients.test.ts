import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

import Memcached from 'memcached';
import memjs, { type Client as MemjsClient } from 'memjs';

import { startTestServer, type TestServer } from './helpers.js';

/** The Python scripts live beside the TypeScript sources, outside dist. */
const CLIENT_SCRIPTS_DIR = fileURLToPath(new URL('../../test/clients/', import.meta.url));
const SYSTEM_PYTHON = '/usr/bin/python3';

function runPython(script: string, port: number): Promise<{ exitCode: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(SYSTEM_PYTHON, [`${CLIENT_SCRIPTS_DIR}${script}`, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, output });
    });
  });
}

/** Calls a node-style method of the `memcached` client and returns its result. */
function call<T>(run: (callback: (error: unknown, result: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    run((error, result) => {
      if (!error) {
        resolve(result);
        return;
      }
      reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
}

/** Calls a node-style method and returns the error it reports (or null). */
function callError(run: (callback: (error: unknown) => void) => void): Promise<unknown> {
  return new Promise((resolve) => run((error) => resolve(error ?? null)));
}

describe('python clients', () => {
  let harness: TestServer;

  before(async () => {
    harness = await startTestServer();
  });

  after(async () => {
    await harness.close();
  });

  for (const [name, script, module] of [
    ['python-memcache', 'python_memcache_check.py', 'memcache'],
    ['pymemcache', 'pymemcache_check.py', 'pymemcache'],
  ] as const) {
    test(`${name}: every command works`, async (t) => {
      if (!existsSync(SYSTEM_PYTHON)) {
        if (process.env.CI === 'true') assert.fail(`${SYSTEM_PYTHON} is missing`);
        t.skip(`${SYSTEM_PYTHON} is missing (Debian python3 with python3-${module})`);
        return;
      }
      const { exitCode, output } = await runPython(script, harness.port);
      if (exitCode !== 0 && /ModuleNotFoundError/.test(output) && process.env.CI !== 'true') {
        t.skip(`the Python module ${module} is not installed`);
        return;
      }
      assert.equal(exitCode, 0, output);
      assert.match(output, /^ok \d+\n$/);
    });
  }
});

describe('npm memcached client', () => {
  let harness: TestServer;
  let client: Memcached;

  before(async () => {
    harness = await startTestServer();
    client = new Memcached(`127.0.0.1:${harness.port}`, { retries: 0, timeout: 5000, idle: 1000 });
  });

  after(async () => {
    client.end();
    await harness.close();
  });

  test('memcached npm: storage commands', async () => {
    assert.equal(await call<boolean>((cb) => client.set('nm_a', 'hello', 0, cb)), true);
    assert.equal(await call<unknown>((cb) => client.get('nm_a', cb)), 'hello');
    assert.equal(await call<unknown>((cb) => client.get('nm_missing', cb)), undefined);
    assert.ok(await callError((cb) => client.add('nm_a', 'x', 0, cb)), 'add of an existing key reports an error');
    assert.equal(await call<boolean>((cb) => client.add('nm_b', 'B', 0, cb)), true);
    assert.ok(await callError((cb) => client.replace('nm_missing', 'x', 0, cb)), 'replace of a missing key');
    assert.equal(await call<boolean>((cb) => client.replace('nm_b', 'bee', 0, cb)), true);
    assert.equal(await call<boolean>((cb) => client.append('nm_b', '!', cb)), true);
    assert.equal(await call<boolean>((cb) => client.prepend('nm_b', '<', cb)), true);
    assert.equal(await call<unknown>((cb) => client.get('nm_b', cb)), '<bee!');
  });

  test('memcached npm: objects and numbers', async () => {
    assert.equal(await call<boolean>((cb) => client.set('nm_obj', { a: 1, b: [true] }, 0, cb)), true);
    assert.deepEqual(await call<unknown>((cb) => client.get('nm_obj', cb)), { a: 1, b: [true] });
    assert.equal(await call<boolean>((cb) => client.set('nm_num', 41, 0, cb)), true);
    assert.equal(await call<unknown>((cb) => client.get('nm_num', cb)), 41);
  });

  test('memcached npm: gets and cas', async () => {
    await call((cb) => client.set('nm_cas', 'one', 0, cb));
    const result = await call<{ [key: string]: unknown; cas: string }>((cb) => client.gets('nm_cas', cb));
    assert.equal(result.nm_cas, 'one');
    assert.match(result.cas, /^\d+$/);
    assert.equal(await call<boolean>((cb) => client.cas('nm_cas', 'two', result.cas, 0, cb)), true);
    assert.equal(await call<boolean>((cb) => client.cas('nm_cas', 'three', result.cas, 0, cb)), false);
    assert.equal(await call<unknown>((cb) => client.get('nm_cas', cb)), 'two');
  });

  test('memcached npm: incr, decr, delete, touch', async () => {
    await call((cb) => client.set('nm_n', '10', 0, cb));
    assert.equal(await call<unknown>((cb) => client.incr('nm_n', 5, cb)), 15);
    assert.equal(await call<unknown>((cb) => client.decr('nm_n', 20, cb)), 0);
    assert.equal(await call<unknown>((cb) => client.incr('nm_nothere', 1, cb)), false);
    assert.equal(await callError((cb) => client.touch('nm_n', 100, cb)), null);
    assert.equal(await call<boolean>((cb) => client.del('nm_n', cb)), true);
    assert.equal(await call<unknown>((cb) => client.get('nm_n', cb)), undefined);
  });

  test('memcached npm: getMulti', async () => {
    await call((cb) => client.set('nm_m1', 'one', 0, cb));
    await call((cb) => client.set('nm_m2', 'two', 0, cb));
    const values = await call<Record<string, unknown>>((cb) => client.getMulti(['nm_m1', 'nm_m2', 'nm_m3'], cb));
    assert.deepEqual(values, { nm_m1: 'one', nm_m2: 'two' });
  });

  test('memcached npm: expiry', async () => {
    assert.equal(await call<boolean>((cb) => client.set('nm_gone', 'x', -1, cb)), true);
    assert.equal(await call<unknown>((cb) => client.get('nm_gone', cb)), undefined);
    assert.equal(await call<boolean>((cb) => client.set('nm_ttl', 'x', 100, cb)), true);
    harness.clock.advance(100_000);
    assert.equal(await call<unknown>((cb) => client.get('nm_ttl', cb)), undefined);
  });

  test('memcached npm: version, stats, settings', async () => {
    const [version] = await call<Array<{ version: string }>>((cb) => client.version(cb));
    assert.equal(version!.version, '1.4.39');
    const [stats] = await call<Array<Record<string, unknown>>>((cb) => client.stats(cb));
    assert.equal(stats!.version, '1.4.39');
    assert.ok(Number(stats!.curr_items) >= 1);
    const [settings] = await call<Array<Record<string, unknown>>>((cb) => client.settings(cb));
    assert.equal(Number(settings!.maxconns), 1024);
  });

  test('memcached npm: unsupported commands fail', async () => {
    await call((cb) => client.set('nm_keep', 'k', 0, cb));
    assert.ok(await callError((cb) => client.flush(cb)), 'flush is rejected');
    assert.equal(await call<unknown>((cb) => client.get('nm_keep', cb)), 'k');
    assert.ok(await callError((cb) => client.items(cb)), 'stats items is not kept');
    assert.ok(await callError((cb) => client.slabs(cb)), 'stats slabs is not kept');
    assert.equal(await call<unknown>((cb) => client.get('nm_keep', cb)), 'k');
  });
});

describe('memjs client', () => {
  let harness: TestServer;
  let client: MemjsClient;

  before(async () => {
    harness = await startTestServer();
    client = memjs.Client.create(`127.0.0.1:${harness.port}`, {
      retries: 0,
      timeout: 5,
      logger: { log: () => {} },
    });
  });

  after(async () => {
    client.close();
    await harness.close();
  });

  test('memjs: set, get, add, replace', async () => {
    assert.equal(await client.set('mj_a', 'hello', { expires: 0 }), true);
    const got = await client.get('mj_a');
    assert.equal(got.value?.toString(), 'hello');
    assert.equal((await client.get('mj_missing')).value, null);
    assert.equal(await client.add('mj_a', 'x', {}), false);
    assert.equal(await client.add('mj_b', 'B', {}), true);
    assert.equal(await client.replace('mj_missing', 'x', {}), false);
    assert.equal(await client.replace('mj_b', 'bee', {}), true);
  });

  test('memjs: append, prepend, delete', async () => {
    await client.set('mj_c', 'mid', {});
    assert.equal(await client.append('mj_c', '>'), true);
    // NOTE: memjs 1.3.2 sends APPEND (0x0e) for prepend too, against memcached 1.6.18 as well;
    // the binary protocol tests check PREPEND with raw bytes.
    assert.equal(await client.prepend('mj_c', '<'), true);
    assert.equal((await client.get('mj_c')).value?.toString(), 'mid><');
    // memcached replies 0x0005 "Not stored." here, which memjs reports as an error.
    await assert.rejects(client.append('mj_nothere', 'x'), /Item not stored/);
    assert.equal(await client.delete('mj_c'), true);
    assert.equal(await client.delete('mj_c'), false);
  });

  test('memjs: increment creates and counts', async () => {
    assert.deepEqual(await client.increment('mj_n', 5, { initial: 10 }), { success: true, value: 10 });
    assert.deepEqual(await client.increment('mj_n', 5, {}), { success: true, value: 15 });
    assert.deepEqual(await client.decrement('mj_n', 100, {}), { success: true, value: 0 });
    await client.set('mj_text', 'abc', {});
    const nonNumeric = await client.increment('mj_text', 1, {}).catch((error: Error) => error);
    assert.ok(nonNumeric instanceof Error || (nonNumeric as { success: boolean }).success === false);
  });

  test('memjs: touch and expiry', async () => {
    await client.set('mj_t', 'x', { expires: 10 });
    assert.equal(await client.touch('mj_t', 100), true);
    harness.clock.advance(50_000);
    assert.equal((await client.get('mj_t')).value?.toString(), 'x');
    harness.clock.advance(50_000);
    assert.equal((await client.get('mj_t')).value, null);
    assert.equal(await client.touch('mj_t', 100), false);
  });

  test('memjs: flush rejected, data kept', async () => {
    await client.set('mj_keep', 'k', {});
    // memjs reads status 0x0020 as an authentication failure and stops using that
    // connection, as it does against memcached -F, so the flush goes through its own client.
    const flusher = memjs.Client.create(`127.0.0.1:${harness.port}`, { retries: 0, timeout: 5, logger: { log: () => {} } });
    try {
      await assert.rejects(flusher.flush());
    } finally {
      flusher.close();
    }
    assert.equal((await client.get('mj_keep')).value?.toString(), 'k');
  });

  test('memjs: stats and reset', async () => {
    const stats = await new Promise<Record<string, string>>((resolve, reject) => {
      client.stats((error, _server, values) => (error ? reject(error) : resolve(values!)));
    });
    assert.equal(stats.version, '1.4.39');
    assert.ok(Number(stats.cmd_get) > 0);
    await new Promise<void>((resolve, reject) => {
      client.resetStats((error) => (error ? reject(error) : resolve()));
    });
    assert.equal(harness.server.stats().counters.cmdGet, 0);
  });
});
