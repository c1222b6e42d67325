import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { VirtualClock, createLogger } from '@triggerbox/core';
import { SessionTable } from '@triggerbox/session-table';

import { InputBuffer } from '../src/input-buffer.js';
import { ItemOperations } from '../src/item-operations.js';
import { resolveLimits } from '../src/limits.js';
import type { ProtocolContext } from '../src/protocol-context.js';
import { ReplyWriter } from '../src/reply-writer.js';
import { ServerCounters } from '../src/stats.js';
import { TextSession } from '../src/text-protocol.js';
import { DEFAULT_MEMCACHED_LIMITS, MEMCACHED_ERROR_CODES } from '../src/index.js';
import { RawClient, TEST_START_MS, startTestServer } from './helpers.js';

describe('limit options', () => {
  test('limits: defaults', () => {
    assert.deepEqual(resolveLimits(), {
      maxConnections: 1024,
      idleTimeoutMs: 600_000,
      maxBufferBytes: 1_114_112,
      maxOutputBytes: 1_048_576,
      maxItemBytes: 1_048_576,
    });
    assert.deepEqual(resolveLimits(), { ...DEFAULT_MEMCACHED_LIMITS });
  });

  test('limits: invalid values rejected', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ maxConnections: 0 }, /maxConnections is 0; it must be an integer of at least 1/],
      [{ idleTimeoutMs: -1 }, /idleTimeoutMs is -1/],
      [{ idleTimeoutMs: 1.5 }, /idleTimeoutMs is 1.5/],
      [{ maxItemBytes: 10 }, /maxItemBytes is 10; it must be an integer of at least 73/],
      [{ maxOutputBytes: 100 }, /maxOutputBytes is 100; it must be an integer of at least 16384/],
      [{ maxItemBytes: 1_000_000, maxBufferBytes: 1_000_000 }, /maxBufferBytes is 1000000; it must be an integer of at least 1002048/],
      [{ maxconns: 5 }, /Unknown memcached limit "maxconns"; the limits are maxConnections, idleTimeoutMs/],
    ];
    for (const [limits, message] of cases) {
      assert.throws(
        () => resolveLimits(limits as never),
        (error: Error & { code?: string }) => error.code === 'TB_ERR_MEMCACHED_INVALID_OPTION' && message.test(error.message),
        JSON.stringify(limits),
      );
    }
    assert.ok(MEMCACHED_ERROR_CODES.TB_ERR_MEMCACHED_INVALID_OPTION);
  });
});

describe('connection limits', () => {
  test('maxConnections: extra clients rejected', async (t) => {
    const harness = await startTestServer({ limits: { maxConnections: 2 } });
    t.after(() => harness.close());
    const first = await RawClient.connect(harness.port);
    const second = await RawClient.connect(harness.port);
    assert.equal(await first.text('version\r\n'), 'VERSION 1.4.39\r\n');
    assert.equal(await second.text('version\r\n'), 'VERSION 1.4.39\r\n');

    const third = await RawClient.connect(harness.port);
    assert.equal(await third.waitClosed(), true);
    assert.equal(third.pending.toString(), 'ERROR Too many open connections\r\n');
    assert.equal(harness.server.stats().counters.rejectedConnections, 1);

    first.close();
    await first.waitClosed();
    // The server notices the close a little later, so try a bounded number of times.
    let accepted = false;
    for (let attempt = 0; attempt < 50 && !accepted; attempt++) {
      const next = await RawClient.connect(harness.port);
      next.send('version\r\n');
      await next.readUntil((received) => received.length > 0 || next.closed, 'a reply or a close').catch(() => Buffer.alloc(0));
      accepted = !next.closed;
      next.close();
      if (!accepted) await new Promise<void>((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(accepted, true, 'a new client is accepted once one left');
    second.close();
  });

  test('maxConnections: rejections logged once', async (t) => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', write: (line) => lines.push(line) });
    const harness = await startTestServer({ limits: { maxConnections: 1 }, logger });
    t.after(() => harness.close());
    const first = await RawClient.connect(harness.port);
    assert.equal(await first.text('version\r\n'), 'VERSION 1.4.39\r\n');
    for (let i = 0; i < 3; i++) {
      const extra = await RawClient.connect(harness.port);
      assert.equal(await extra.waitClosed(), true);
    }
    const warnings = lines.filter((line) => line.startsWith('warn '));
    assert.equal(warnings.length, 1, lines.join('\n'));
    assert.match(warnings[0]!, /connections rejected, too many open connections .*rejected=1 maxConnections=1/);
    assert.equal(harness.server.stats().counters.rejectedConnections, 3);
    first.close();
  });

  test('idleTimeoutMs: idle client closed', async (t) => {
    const harness = await startTestServer({ limits: { idleTimeoutMs: 150 } });
    t.after(() => harness.close());
    const client = await RawClient.connect(harness.port);
    assert.equal(await client.text('version\r\n'), 'VERSION 1.4.39\r\n');
    const startedMs = Date.now();
    assert.equal(await client.waitClosed(3_000), true);
    assert.ok(Date.now() - startedMs >= 100, 'not closed before the timeout');
    assert.equal(harness.server.stats().counters.idleKicks, 1);
  });

  test('idleTimeoutMs: 0 disables it', async (t) => {
    const harness = await startTestServer({ limits: { idleTimeoutMs: 0 } });
    t.after(() => harness.close());
    const client = await RawClient.connect(harness.port);
    assert.equal(await client.waitClosed(300), false);
    assert.equal(await client.text('version\r\n'), 'VERSION 1.4.39\r\n');
    client.close();
  });
});

describe('output backpressure', () => {
  function textSession(outputBudget: number): { session: TextSession; out: ReplyWriter; table: SessionTable } {
    const clock = new VirtualClock(TEST_START_MS);
    const table = new SessionTable({ clock, capacity: 100 });
    const counters = new ServerCounters();
    const limits = resolveLimits();
    const ctx: ProtocolContext = {
      clock,
      ops: new ItemOperations(table, counters, limits.maxItemBytes),
      counters,
      limits,
      version: '1.4.39',
      statsGroup: () => null,
      resetStats: () => {},
    };
    const out = new ReplyWriter();
    const session = new TextSession(ctx, out);
    session.outputBudget = outputBudget;
    return { session, out, table };
  }

  test('backpressure: session stops at the budget', () => {
    const { session, out, table } = textSession(20_000);
    table.storeItem('big', Buffer.alloc(10_000, 0x62), 0, { kind: 'never' });
    const input = new InputBuffer();
    input.push(Buffer.from('get big\r\n'.repeat(10)));

    assert.equal(session.process(input), 'output-full');
    assert.equal(input.length, 'get big\r\n'.length * 8, 'two gets ran, eight wait');
    assert.ok(out.length >= 20_000);
    out.take();
    assert.equal(session.process(input), 'output-full');
    out.take();
    assert.equal(session.process(input), 'output-full');
    out.take();
    session.outputBudget = Number.POSITIVE_INFINITY;
    assert.equal(session.process(input), 'need-input');
    assert.equal(input.length, 0);
  });

  test('backpressure: slow reader gets every reply', async (t) => {
    const harness = await startTestServer({ limits: { maxOutputBytes: 64 * 1024 } });
    t.after(() => harness.close());
    const value = Buffer.alloc(100_000, 0x76);
    harness.table.storeItem('slow', value, 0, { kind: 'never' });

    const client = await RawClient.connect(harness.port);
    client.socket.pause();
    const requestCount = 300;
    client.send('get slow\r\n'.repeat(requestCount));
    // While the client reads nothing, the server must stop well short of all 300 replies
    // (30 MB). Poll its counters for a bounded time until they stop moving.
    let last = -1;
    let stableRounds = 0;
    for (let round = 0; round < 200 && stableRounds < 10; round++) {
      await new Promise<void>((resolve) => setTimeout(resolve, 10));
      const served = harness.server.stats().counters.cmdGet;
      stableRounds = served === last ? stableRounds + 1 : 0;
      last = served;
    }
    assert.ok(last < requestCount, `served ${last} of ${requestCount} gets before the client read anything`);

    client.socket.resume();
    const expectedLength = requestCount * (`VALUE slow 0 ${value.length}\r\n`.length + value.length + 7);
    const received = await client.readBytes(expectedLength, 20_000);
    assert.equal(received.length, expectedLength);
    assert.equal(harness.server.stats().counters.cmdGet, requestCount);
    client.close();
  });
});
