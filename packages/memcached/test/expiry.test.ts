import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { RawClient, TEST_START_MS, startTestServer, type TestServer } from './helpers.js';
import { decodeExptime } from '../src/index.js';

const NOW_SECONDS = TEST_START_MS / 1000;

describe('decodeExptime', () => {
  test('exptime: decoding rules', () => {
    const nowMs = TEST_START_MS + 250;
    assert.deepEqual(decodeExptime(0, nowMs), { kind: 'never' });
    assert.deepEqual(decodeExptime(1, nowMs), { kind: 'at', atMs: nowMs + 1000 });
    assert.deepEqual(decodeExptime(2_592_000, nowMs), { kind: 'at', atMs: nowMs + 2_592_000_000 });
    assert.deepEqual(decodeExptime(2_592_001, nowMs), { kind: 'expired' });
    assert.deepEqual(decodeExptime(-1, nowMs), { kind: 'expired' });
    assert.deepEqual(decodeExptime(-2_147_483_648, nowMs), { kind: 'expired' });
    assert.deepEqual(decodeExptime(NOW_SECONDS, nowMs), { kind: 'expired' });
    assert.deepEqual(decodeExptime(NOW_SECONDS + 1, nowMs), { kind: 'at', atMs: (NOW_SECONDS + 1) * 1000 });
    assert.deepEqual(decodeExptime(0xffff_ffff, nowMs), { kind: 'at', atMs: 0xffff_ffff * 1000 });
  });
});

describe('expiry through the server', () => {
  let harness: TestServer;
  let client: RawClient;

  before(async () => {
    harness = await startTestServer();
    client = await RawClient.connect(harness.port);
  });

  after(async () => {
    client.close();
    await harness.close();
  });

  test('expiry: 0 never expires', async () => {
    assert.equal(await client.text('set never 0 0 1\r\nx\r\n'), 'STORED\r\n');
    harness.clock.advance(400 * 24 * 3600 * 1000);
    assert.equal(await client.text('get never\r\n'), 'VALUE never 0 1\r\nx\r\nEND\r\n');
  });

  test('expiry: relative seconds, never early', async () => {
    assert.equal(await client.text('set rel 0 10 1\r\nx\r\n'), 'STORED\r\n');
    harness.clock.advance(9_999);
    assert.equal(await client.text('get rel\r\n'), 'VALUE rel 0 1\r\nx\r\nEND\r\n');
    harness.clock.advance(1);
    assert.equal(await client.text('get rel\r\n'), 'END\r\n');
  });

  test('expiry: 30 days is still relative', async () => {
    assert.equal(await client.text('set month 0 2592000 1\r\nx\r\n'), 'STORED\r\n');
    harness.clock.advance(2_592_000_000 - 1);
    assert.equal(await client.text('get month\r\n'), 'VALUE month 0 1\r\nx\r\nEND\r\n');
    harness.clock.advance(1);
    assert.equal(await client.text('get month\r\n'), 'END\r\n');
  });

  test('expiry: over 30 days is absolute', async () => {
    const nowSeconds = Math.floor(harness.clock.nowMs() / 1000);
    assert.equal(await client.text(`set abs 0 ${nowSeconds + 3600} 1\r\nx\r\n`), 'STORED\r\n');
    harness.clock.set((nowSeconds + 3600) * 1000 - 1);
    assert.equal(await client.text('get abs\r\n'), 'VALUE abs 0 1\r\nx\r\nEND\r\n');
    harness.clock.set((nowSeconds + 3600) * 1000);
    assert.equal(await client.text('get abs\r\n'), 'END\r\n');
  });

  test('expiry: past absolute stores, then gone', async () => {
    assert.equal(await client.text('set past 0 0 3\r\nold\r\n'), 'STORED\r\n');
    assert.equal(await client.text('set past 0 2592001 3\r\nnew\r\nget past\r\n'), 'STORED\r\nEND\r\n');
    assert.equal(harness.table.getItem('past'), null);
  });

  test('expiry: negative stores, old value gone', async () => {
    assert.equal(await client.text('set neg 0 0 3\r\nold\r\n'), 'STORED\r\n');
    assert.equal(await client.text('set neg 0 -1 3\r\nnew\r\nget neg\r\n'), 'STORED\r\nEND\r\n');
    assert.equal(await client.text('add neg 0 -5 1\r\nx\r\nget neg\r\n'), 'STORED\r\nEND\r\n');
  });

  test('expiry: touch sets a new deadline', async () => {
    assert.equal(await client.text('set tch 0 0 1\r\nx\r\ntouch tch 5\r\n'), 'STORED\r\nTOUCHED\r\n');
    harness.clock.advance(4_999);
    assert.equal(await client.text('get tch\r\n'), 'VALUE tch 0 1\r\nx\r\nEND\r\n');
    harness.clock.advance(1);
    assert.equal(await client.text('get tch\r\ntouch tch 100\r\n'), 'END\r\nNOT_FOUND\r\n');
  });

  test('expiry: append and incr keep it', async () => {
    assert.equal(await client.text('set kap 0 20 1\r\n1\r\nset kin 0 20 1\r\n1\r\n'), 'STORED\r\nSTORED\r\n');
    harness.clock.advance(10_000);
    assert.equal(await client.text('append kap 0 0 1\r\n2\r\nincr kin 5\r\n'), 'STORED\r\n6\r\n');
    harness.clock.advance(9_999);
    assert.equal(await client.text('get kap kin\r\n'), 'VALUE kap 0 2\r\n12\r\nVALUE kin 0 1\r\n6\r\nEND\r\n');
    harness.clock.advance(1);
    assert.equal(await client.text('get kap kin\r\n'), 'END\r\n');
  });

  test('expiry: swept keys reported as expired', async () => {
    assert.equal(await client.text('set swept 0 50 5\r\nhello\r\n'), 'STORED\r\n');
    const deadlineMs = harness.clock.nowMs() + 50_000;
    harness.clock.set(deadlineMs);
    assert.equal(await client.text('get swept\r\n'), 'END\r\n');

    const boundaryMs = Math.ceil(deadlineMs / 30_000) * 30_000;
    harness.clock.set(boundaryMs);
    const reports = harness.table.sweep().filter((report) => report.name === 'swept');
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.value, 'hello');
  });
});

describe('session mapping', () => {
  let harness: TestServer;
  let client: RawClient;

  before(async () => {
    harness = await startTestServer();
    client = await RawClient.connect(harness.port);
  });

  after(async () => {
    client.close();
    await harness.close();
  });

  test('mapping: memcached values read as strings', async () => {
    assert.equal(await client.text('set fromclient 3 0 5\r\n12345\r\n'), 'STORED\r\n');
    assert.equal(harness.table.lookup('fromclient'), '12345');
  });

  test('mapping: trigger values served as text', async () => {
    harness.table.replace('num', 42.5);
    harness.table.replace('obj', { a: [1, 'x'] });
    harness.table.replace('flag', true);
    harness.table.replace('str', 'plain');
    const reply = await client.text('get num obj flag str\r\n');
    assert.equal(
      reply,
      'VALUE num 0 4\r\n42.5\r\nVALUE obj 0 13\r\n{"a":[1,"x"]}\r\nVALUE flag 0 4\r\ntrue\r\nVALUE str 0 5\r\nplain\r\nEND\r\n',
    );
  });

  test('mapping: incr on a trigger number', async () => {
    harness.table.replace('counter', 41);
    assert.equal(await client.text('incr counter 1\r\n'), '42\r\n');
    assert.equal(harness.table.lookup('counter'), '42');
  });

  test('mapping: UTF-8 keys shared with triggers', async () => {
    harness.table.replace('café', 'au lait');
    assert.equal(await client.text(Buffer.from('get café\r\n', 'utf8')), Buffer.from('VALUE café 0 7\r\nau lait\r\nEND\r\n', 'utf8').toString('latin1'));
  });

  test('mapping: non-UTF-8 key bytes round-trip', async () => {
    const key = Buffer.from([0x6b, 0xff, 0x80, 0xc3]);
    const request = Buffer.concat([Buffer.from('set '), key, Buffer.from(' 0 0 1\r\nv\r\nget '), key, Buffer.from('\r\n')]);
    const reply = Buffer.from(await client.text(request), 'latin1');
    assert.deepEqual(reply, Buffer.concat([Buffer.from('STORED\r\nVALUE '), key, Buffer.from(' 0 1\r\nv\r\nEND\r\n')]));
    assert.equal(harness.table.lookup('k\udcff\udc80\udcc3'), 'v');
  });
});
