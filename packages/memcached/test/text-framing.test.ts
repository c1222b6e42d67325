import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { RawClient, startTestServer, type TestServer } from './helpers.js';

describe('text framing', () => {
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

  test('text: bare LF ends a line', async () => {
    const reply = await client.text('set lf 0 0 1\nx\r\nget lf\n');
    assert.equal(reply, 'STORED\r\nVALUE lf 0 1\r\nx\r\nEND\r\n');
  });

  test('text: runs of spaces are one separator', async () => {
    const reply = await client.text('  set   spaced  0  0  1  \r\nx\r\nget    spaced   \r\n');
    assert.equal(reply, 'STORED\r\nVALUE spaced 0 1\r\nx\r\nEND\r\n');
  });

  test('text: tab and control bytes stay in keys', async () => {
    const reply = await client.text('set a\tb 0 0 1\r\nt\r\nset c\x01d 0 0 1\r\nu\r\nget a\tb c\x01d\r\n');
    assert.equal(reply, 'STORED\r\nSTORED\r\nVALUE a\tb 0 1\r\nt\r\nVALUE c\x01d 0 1\r\nu\r\nEND\r\n');
  });

  test('text: command names are case sensitive', async () => {
    assert.equal(await client.text('GET x\r\nSet x 0 0 1\r\n'), 'ERROR\r\nERROR\r\n');
  });

  test('text: empty line gives ERROR', async () => {
    assert.equal(await client.text('\r\n\n   \r\n'), 'ERROR\r\nERROR\r\nERROR\r\n');
  });

  test('text: unknown commands give ERROR', async () => {
    const reply = await client.text('bogus\r\ngat 0 k\r\nmg k v\r\nshutdown\r\nslabs reassign 1 2\r\n');
    assert.equal(reply, 'ERROR\r\nERROR\r\nERROR\r\nERROR\r\nERROR\r\n');
  });

  test('text: wrong word counts give ERROR', async () => {
    const lines = [
      'set k 0 0',
      'set k 0 0 1 noreply extra',
      'cas k 0 0 1',
      'incr k',
      'incr k 1 noreply extra',
      'decr k',
      'touch k',
      'delete',
      'delete a b c d e',
      'verbosity',
      'verbosity 1 noreply extra',
      'get',
      'gets',
      'version x',
      'quit x',
      'flush_all 0 noreply extra',
    ];
    const reply = await client.text(lines.map((line) => `${line}\r\n`).join(''));
    assert.equal(reply, 'ERROR\r\n'.repeat(lines.length));
  });

  test('text: NUL byte ends the command line', async () => {
    const reply = await client.text('set nul 0 0 1\r\nx\r\nget nul\x00ignored\r\n');
    assert.equal(reply, 'STORED\r\nVALUE nul 0 1\r\nx\r\nEND\r\n');
  });

  test('text: pipelined commands reply in order', async () => {
    let request = '';
    let expected = '';
    for (let i = 0; i < 200; i++) {
      request += `set pipe${i} ${i} 0 ${String(i).length}\r\n${i}\r\nget pipe${i}\r\n`;
      expected += `STORED\r\nVALUE pipe${i} ${i} ${String(i).length}\r\n${i}\r\nEND\r\n`;
    }
    assert.equal(await client.text(request), expected);
  });

  test('text: command split across reads', async () => {
    const request = 'set split 7 0 10\r\n0123\r\n5678\r\nget split\r\n';
    for (const piece of request) {
      client.send(piece);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const reply = await client.readUntilEndsWith('END\r\n');
    assert.equal(reply, 'STORED\r\nVALUE split 7 10\r\n0123\r\n5678\r\nEND\r\n');
  });

  test('text: second byte 0x80 is an ordinary command', async () => {
    assert.equal(await client.text(Buffer.from([0x80, 0x0a])), 'ERROR\r\n');
  });
});

describe('text line length', () => {
  let harness: TestServer;

  before(async () => {
    harness = await startTestServer();
  });

  after(async () => {
    await harness.close();
  });

  test('line limit: 1025 junk bytes close', async () => {
    const client = await RawClient.connect(harness.port);
    client.send('x'.repeat(1025));
    assert.equal(await client.waitClosed(), true);
    assert.equal(client.pending.length, 0);
  });

  test('line limit: 4000-byte line closes', async () => {
    const client = await RawClient.connect(harness.port);
    client.send(`${'y'.repeat(4000)}\r\n`);
    assert.equal(await client.waitClosed(), true);
    assert.equal(client.pending.length, 0);
  });

  test('line limit: earlier replies still arrive', async () => {
    const client = await RawClient.connect(harness.port);
    client.send(`version\r\n${'z'.repeat(2000)}\r\nversion\r\n`);
    assert.equal(await client.waitClosed(), true);
    assert.equal(client.pending.toString('latin1'), 'VERSION 1.4.39\r\n');
  });

  test('line limit: 1024 bytes is still a command', async () => {
    const client = await RawClient.connect(harness.port);
    const line = `junk ${'j'.repeat(1024 - 5 - 1)}\r`;
    assert.equal(line.length, 1024);
    assert.equal(await client.text(`${line}\n`), 'ERROR\r\n');
    client.close();
  });

  test('line limit: long get lines are allowed', async () => {
    const client = await RawClient.connect(harness.port);
    const keys = Array.from({ length: 400 }, (_, i) => `longget${i}`);
    assert.equal(await client.text('set longget399 0 0 2\r\nok\r\n'), 'STORED\r\n');
    const reply = await client.text(`get ${keys.join(' ')}\r\n`);
    assert.equal(reply, 'VALUE longget399 0 2\r\nok\r\nEND\r\n');

    const gets = await client.text(`   gets ${keys.join(' ')}\r\n`);
    assert.match(gets, /^VALUE longget399 0 2 \d+\r\nok\r\nEND\r\n$/);
    client.close();
  });

  test('line limit: long get line in pieces', async () => {
    const client = await RawClient.connect(harness.port);
    const line = `get ${Array.from({ length: 500 }, (_, i) => `piece${i}`).join(' ')}\r\n`;
    for (let offset = 0; offset < line.length; offset += 300) {
      client.send(line.slice(offset, offset + 300));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    assert.equal(await client.readUntilEndsWith('END\r\n'), 'END\r\n');
    client.close();
  });

  test('line limit: get line over buffer limit', async (t) => {
    const small = await startTestServer({ limits: { maxItemBytes: 4096, maxBufferBytes: 8192 } });
    t.after(() => small.close());
    const client = await RawClient.connect(small.port);
    client.send(`get ${'k '.repeat(5000)}`);
    assert.equal(await client.waitClosed(), true);
    assert.equal(client.pending.toString('latin1'), 'SERVER_ERROR out of memory reading request\r\n');
    assert.equal(small.server.stats().counters.bufferKicks, 1);
  });
});
