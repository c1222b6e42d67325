import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, test } from 'node:test';

import { VirtualClock } from '@triggerbox/core';
import { SessionTable } from '@triggerbox/session-table';

import { startMemcachedServer, type MemcachedServerOptions } from '../src/index.js';
import { RawClient, TEST_START_MS, startTestServer, waitUntil } from './helpers.js';

function baseOptions(): MemcachedServerOptions {
  const clock = new VirtualClock(TEST_START_MS);
  return { table: new SessionTable({ clock }), clock, port: 0 };
}

function refusesConnections(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('server options', () => {
  test('options: invalid values rejected', async () => {
    const cases: Array<[Partial<MemcachedServerOptions>, RegExp]> = [
      [{ port: 70_000 }, /option port is 70000; use an integer port from 0 to 65535/],
      [{ port: -1 }, /option port is -1/],
      [{ udpPort: 1.5 }, /option udpPort is 1.5/],
      [{ host: '' }, /option host is ""/],
      [{ version: '1.4 39' }, /option version is "1.4 39"; use 1 to 64 printable ASCII characters without spaces/],
      [{ version: '' }, /option version is ""/],
      [{ limits: { maxConnections: -5 } }, /maxConnections is -5/],
    ];
    for (const [override, message] of cases) {
      await assert.rejects(
        startMemcachedServer({ ...baseOptions(), ...override }),
        (error: Error & { code?: string }) => error.code === 'TB_ERR_MEMCACHED_INVALID_OPTION' && message.test(error.message),
        JSON.stringify(override),
      );
    }
  });

  test('options: missing table or clock', async () => {
    const { clock, table } = baseOptions();
    await assert.rejects(startMemcachedServer({ clock, port: 0 } as never), /option table is missing; pass a SessionTable/);
    await assert.rejects(startMemcachedServer({ table, port: 0 } as never), /option clock is missing; pass a Clock/);
  });

  test('options: port in use', async (t) => {
    const first = await startTestServer();
    t.after(() => first.close());
    await assert.rejects(
      startMemcachedServer({ ...baseOptions(), port: first.port }),
      (error: Error & { code?: string }) =>
        error.code === 'TB_ERR_MEMCACHED_LISTEN_FAILED' && error.message.includes(`port ${first.port}`) && /EADDRINUSE/.test(error.message),
    );
  });

  test('options: defaults to 127.0.0.1', async (t) => {
    const server = await startMemcachedServer(baseOptions());
    t.after(() => server.close());
    assert.equal(server.address.host, '127.0.0.1');
    assert.ok(server.address.port > 0);
    assert.equal(server.address.udpPort, null);
    const client = await RawClient.connect(server.address.port);
    assert.equal(await client.text('version\r\n'), 'VERSION 1.4.39\r\n');
    client.close();
  });

  test('options: custom version string', async (t) => {
    const harness = await startTestServer({ version: '1.4.39-triggerbox' });
    t.after(() => harness.close());
    const client = await RawClient.connect(harness.port);
    assert.equal(await client.text('version\r\n', '1.4.39-triggerbox'), 'VERSION 1.4.39-triggerbox\r\n');
    client.close();
  });

  test('options: IPv6 loopback', async (t) => {
    let server;
    try {
      server = await startMemcachedServer({ ...baseOptions(), host: '::1', udpPort: 0 });
    } catch (error) {
      if ((error as { code?: string }).code === 'TB_ERR_MEMCACHED_LISTEN_FAILED') {
        t.skip('IPv6 loopback is not available on this machine');
        return;
      }
      throw error;
    }
    t.after(() => server.close());
    assert.equal(server.address.host, '::1');
    assert.notEqual(server.address.udpPort, null);
    const client = await RawClient.connect(server.address.port, '::1');
    assert.equal(await client.text('set v6 0 0 1\r\nx\r\nget v6\r\n'), 'STORED\r\nVALUE v6 0 1\r\nx\r\nEND\r\n');
    client.close();
  });
});

describe('server close', () => {
  test('close: stops accepting connections', async () => {
    const harness = await startTestServer();
    await harness.close();
    assert.equal(await refusesConnections(harness.port), true);
  });

  test('close: finishes the command in flight', async () => {
    const harness = await startTestServer();
    const client = await RawClient.connect(harness.port);
    const head = 'set inflight 0 0 10\r\n01234';
    client.send(head);
    await waitUntil(() => harness.server.stats().counters.bytesRead >= head.length, 'the server has the command line');

    const closing = harness.server.close({ drainTimeoutMs: 5_000 });
    client.send('56789\r\n');
    await closing;
    assert.equal(await client.waitClosed(), true);
    assert.equal(client.pending.toString(), 'STORED\r\n');
    assert.equal(harness.table.getItem('inflight')?.data.toString(), '0123456789');
  });

  test('close: pipelined replies all sent', async () => {
    const harness = await startTestServer();
    const client = await RawClient.connect(harness.port);
    let request = '';
    for (let i = 0; i < 2000; i++) request += `set drain${i} 0 0 5\r\n${String(i).padStart(5, '0')}\r\n`;
    client.send(request);
    await waitUntil(() => harness.server.stats().counters.bytesRead >= request.length, 'the server has every command');

    await harness.server.close({ drainTimeoutMs: 5_000 });
    assert.equal(await client.waitClosed(), true);
    assert.equal(client.pending.toString(), 'STORED\r\n'.repeat(2000));
    assert.equal(harness.table.stats().currItems, 2000);
  });

  test('close: busy connections cut after timeout', async () => {
    const harness = await startTestServer();
    const client = await RawClient.connect(harness.port);
    const head = 'set never-finished 0 0 100\r\nonly part';
    client.send(head);
    await waitUntil(() => harness.server.stats().counters.bytesRead >= head.length, 'the server has the partial command');

    const startedMs = Date.now();
    await harness.server.close({ drainTimeoutMs: 200 });
    assert.ok(Date.now() - startedMs >= 150, 'waited for the drain timeout');
    assert.equal(await client.waitClosed(), true);
    assert.equal(harness.table.getItem('never-finished'), null);
  });

  test('close: idle connections close at once', async () => {
    const harness = await startTestServer();
    const client = await RawClient.connect(harness.port);
    assert.equal(await client.text('version\r\n'), 'VERSION 1.4.39\r\n');
    const startedMs = Date.now();
    await harness.server.close({ drainTimeoutMs: 5_000 });
    assert.ok(Date.now() - startedMs < 4_000);
    assert.equal(await client.waitClosed(), true);
  });

  test('close: twice returns the same promise', async () => {
    const harness = await startTestServer({ udp: true });
    const first = harness.server.close();
    const second = harness.server.close();
    assert.equal(first, second);
    await first;
  });

  test('close: invalid drain timeout', async (t) => {
    const harness = await startTestServer();
    t.after(() => harness.close());
    await assert.rejects(harness.server.close({ drainTimeoutMs: -1 }), /drainTimeoutMs is -1/);
  });
});
