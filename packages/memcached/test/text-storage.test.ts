import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { RawClient, startTestServer, type TestServer } from './helpers.js';

/** Reads the cas unique of `key` with `gets`. */
async function casOf(client: RawClient, key: string): Promise<string> {
  const reply = await client.text(`gets ${key}\r\n`);
  const match = /^VALUE \S+ \d+ \d+ (\d+)\r\n/.exec(reply);
  assert.ok(match, `gets ${key} returned ${JSON.stringify(reply)}`);
  return match[1]!;
}

describe('text storage commands', () => {
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

  test('set: stores and replies STORED', async () => {
    assert.equal(await client.text('set s1 5 0 5\r\nhello\r\n'), 'STORED\r\n');
    assert.equal(await client.text('get s1\r\n'), 'VALUE s1 5 5\r\nhello\r\nEND\r\n');
  });

  test('set: value may contain CRLF', async () => {
    assert.equal(await client.text('set crlf 0 0 6\r\na\r\nb\r\n\r\n'), 'STORED\r\n');
    assert.equal(await client.text('get crlf\r\n'), 'VALUE crlf 0 6\r\na\r\nb\r\n\r\nEND\r\n');
  });

  test('set: zero-length value', async () => {
    assert.equal(await client.text('set empty 0 0 0\r\n\r\n'), 'STORED\r\n');
    assert.equal(await client.text('get empty\r\n'), 'VALUE empty 0 0\r\n\r\nEND\r\n');
  });

  test('set: binary value bytes round-trip', async () => {
    const value = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const request = Buffer.concat([Buffer.from('set bytes 0 0 256\r\n'), value, Buffer.from('\r\n')]);
    assert.equal(await client.text(request), 'STORED\r\n');
    const reply = Buffer.from(await client.text('get bytes\r\n'), 'latin1');
    assert.deepEqual(reply, Buffer.concat([Buffer.from('VALUE bytes 0 256\r\n'), value, Buffer.from('\r\nEND\r\n')]));
  });

  test('flags: 32-bit range and wrap', async () => {
    const reply = await client.text(
      'set f1 4294967295 0 1\r\na\r\nset f2 4294967296 0 1\r\nb\r\nset f3 18446744073709551615 0 1\r\nc\r\nget f1 f2 f3\r\n',
    );
    assert.equal(
      reply,
      'STORED\r\nSTORED\r\nSTORED\r\nVALUE f1 4294967295 1\r\na\r\nVALUE f2 0 1\r\nb\r\nVALUE f3 4294967295 1\r\nc\r\nEND\r\n',
    );
  });

  test('flags: negative or junk rejected', async () => {
    for (const flags of ['-1', 'abc', '12x', '18446744073709551616']) {
      const reply = await client.text(`set fbad ${flags} 0 1\r\nx\r\n`);
      assert.equal(reply, 'CLIENT_ERROR bad command line format\r\nERROR\r\n', `flags ${flags}`);
    }
  });

  test('storage: junk exptime, bytes, cas rejected', async () => {
    for (const line of ['set j 0 abc 1', 'set j 0 1x 1', 'set j 0 0 -1', 'set j 0 0 abc', 'set j 0 0 2147483648', 'cas j 0 0 1 abc', 'cas j 0 0 1 -1']) {
      const reply = await client.text(`${line}\r\nx\r\n`);
      assert.equal(reply, 'CLIENT_ERROR bad command line format\r\nERROR\r\n', line);
    }
  });

  test('storage: data block not skipped after error', async () => {
    const reply = await client.text('set k abc 0 1\r\nx\r\n');
    assert.equal(reply, 'CLIENT_ERROR bad command line format\r\nERROR\r\n');
    // A data line that looks like a command is run, as on the real server.
    assert.equal(await client.text('set k abc 0 11\r\nverbosity 1\r\n'), 'CLIENT_ERROR bad command line format\r\nOK\r\n');
  });

  test('storage: bad data chunk', async () => {
    assert.equal(await client.text('set chunk 0 0 1\r\nA\r\n'), 'STORED\r\n');
    const reply = await client.text('set chunk 0 0 3\r\nabcde\r\n');
    assert.equal(reply, 'CLIENT_ERROR bad data chunk\r\nERROR\r\n');
    assert.equal(await client.text('get chunk\r\n'), 'VALUE chunk 0 1\r\nA\r\nEND\r\n');
  });

  test('add: stores only missing keys', async () => {
    assert.equal(await client.text('add a1 3 0 1\r\nx\r\n'), 'STORED\r\n');
    const cas = await casOf(client, 'a1');
    assert.equal(await client.text('add a1 9 100 2\r\nyy\r\n'), 'NOT_STORED\r\n');
    assert.equal(await client.text('gets a1\r\n'), `VALUE a1 3 1 ${cas}\r\nx\r\nEND\r\n`);
  });

  test('replace: stores only existing keys', async () => {
    assert.equal(await client.text('replace r1 0 0 1\r\nx\r\n'), 'NOT_STORED\r\n');
    assert.equal(await client.text('get r1\r\n'), 'END\r\n');
    assert.equal(await client.text('set r1 0 0 1\r\nx\r\nreplace r1 4 0 2\r\nyy\r\nget r1\r\n'), 'STORED\r\nSTORED\r\nVALUE r1 4 2\r\nyy\r\nEND\r\n');
  });

  test('append: keeps flags, changes cas', async () => {
    assert.equal(await client.text('append ap 0 0 1\r\nx\r\n'), 'NOT_STORED\r\n');
    assert.equal(await client.text('set ap 5 0 3\r\nabc\r\n'), 'STORED\r\n');
    const before = await casOf(client, 'ap');
    assert.equal(await client.text('append ap 99 0 6\r\ndefghi\r\n'), 'STORED\r\n');
    const after = await casOf(client, 'ap');
    assert.notEqual(after, before);
    assert.equal(await client.text('get ap\r\n'), 'VALUE ap 5 9\r\nabcdefghi\r\nEND\r\n');
  });

  test('prepend: keeps flags, changes cas', async () => {
    assert.equal(await client.text('prepend pp 0 0 1\r\nx\r\n'), 'NOT_STORED\r\n');
    assert.equal(await client.text('set pp 7 0 3\r\nabc\r\n'), 'STORED\r\n');
    const before = await casOf(client, 'pp');
    assert.equal(await client.text('prepend pp 1 0 2\r\nzz\r\n'), 'STORED\r\n');
    assert.notEqual(await casOf(client, 'pp'), before);
    assert.equal(await client.text('get pp\r\n'), 'VALUE pp 7 5\r\nzzabc\r\nEND\r\n');
  });

  test('append: flags and exptime words must parse', async () => {
    assert.equal(await client.text('set ap2 0 0 1\r\na\r\n'), 'STORED\r\n');
    assert.equal(await client.text('append ap2 x 0 1\r\nb\r\n'), 'CLIENT_ERROR bad command line format\r\nERROR\r\n');
    assert.equal(await client.text('get ap2\r\n'), 'VALUE ap2 0 1\r\na\r\nEND\r\n');
  });

  test('append: result over item limit', async (t) => {
    const small = await startTestServer({ limits: { maxItemBytes: 200, maxBufferBytes: 4096 } });
    t.after(() => small.close());
    const other = await RawClient.connect(small.port);
    // key 2 + value 120 + 71 = 193 fits; appending 10 more bytes would need 203.
    assert.equal(await other.text(`set ak 0 0 120\r\n${'a'.repeat(120)}\r\n`), 'STORED\r\n');
    assert.equal(await other.text(`append ak 0 0 10\r\n${'b'.repeat(10)}\r\n`), 'NOT_STORED\r\n');
    assert.equal(await other.text('get ak\r\n'), `VALUE ak 0 120\r\n${'a'.repeat(120)}\r\nEND\r\n`);
    other.close();
  });

  test('cas: stores only with the current unique', async () => {
    assert.equal(await client.text('cas c1 0 0 1 1\r\nx\r\n'), 'NOT_FOUND\r\n');
    assert.equal(await client.text('set c1 0 0 1\r\nx\r\n'), 'STORED\r\n');
    const cas = await casOf(client, 'c1');
    const stale = (BigInt(cas) + 1000n).toString();
    assert.equal(await client.text(`cas c1 0 0 1 ${stale}\r\ny\r\n`), 'EXISTS\r\n');
    assert.equal(await client.text(`cas c1 2 0 1 ${cas}\r\nz\r\n`), 'STORED\r\n');
    assert.equal(await client.text(`cas c1 2 0 1 ${cas}\r\nw\r\n`), 'EXISTS\r\n');
    assert.equal(await client.text('get c1\r\n'), 'VALUE c1 2 1\r\nz\r\nEND\r\n');
  });

  test('cas: unique 0 never matches', async () => {
    assert.equal(await client.text('set c0 0 0 1\r\nx\r\ncas c0 0 0 1 0\r\ny\r\n'), 'STORED\r\nEXISTS\r\n');
  });

  test('cas: seventh word decides noreply', async () => {
    assert.equal(await client.text('set c7 0 0 1\r\nx\r\n'), 'STORED\r\n');
    const cas = await casOf(client, 'c7');
    // memcached 1.4 keeps seven words; later ones are ignored.
    assert.equal(await client.text(`cas c7 0 0 1 ${cas} noreply trailing words\r\ny\r\n`), '');
    assert.equal(await client.text(`cas c7 0 0 1 1 other\r\nz\r\n`), 'EXISTS\r\n');
  });

  test('set: sixth word other than noreply', async () => {
    assert.equal(await client.text('set six 0 0 1 foo\r\nx\r\n'), 'STORED\r\n');
  });

  test('cas: every store changes the unique', async () => {
    assert.equal(await client.text('set u1 0 0 1\r\nx\r\n'), 'STORED\r\n');
    const first = await casOf(client, 'u1');
    assert.equal(await client.text('set u1 0 0 1\r\nx\r\n'), 'STORED\r\n');
    const second = await casOf(client, 'u1');
    assert.equal(await client.text('replace u1 0 0 1\r\nx\r\n'), 'STORED\r\n');
    const third = await casOf(client, 'u1');
    assert.equal(new Set([first, second, third]).size, 3);
    assert.notEqual(first, '0');
  });
});

describe('item size limit', () => {
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

  async function store(key: string, byteCount: number, command = 'set'): Promise<string> {
    const request = Buffer.concat([
      Buffer.from(`${command} ${key} 0 0 ${byteCount}\r\n`),
      Buffer.alloc(byteCount, 0x61),
      Buffer.from('\r\n'),
    ]);
    return client.text(request);
  }

  test('size limit: largest value for a 1-byte key', async () => {
    assert.equal(await store('a', 1_048_504), 'STORED\r\n');
    assert.equal(await store('b', 1_048_505), 'SERVER_ERROR object too large for cache\r\n');
  });

  test('size limit: largest value for a 250-byte key', async () => {
    const key = 'k'.repeat(250);
    assert.equal(await store(key, 1_048_255), 'STORED\r\n');
    assert.equal(await store(key.replace(/^k/, 'm'), 1_048_256), 'SERVER_ERROR object too large for cache\r\n');
  });

  test('size limit: value swallowed, next command works', async () => {
    const reply = await client.text(Buffer.concat([Buffer.from('set big 0 0 2000000\r\n'), Buffer.alloc(2_000_000, 0x0a), Buffer.from('\r\nset after 0 0 1\r\nx\r\n')]));
    assert.equal(reply, 'SERVER_ERROR object too large for cache\r\nSTORED\r\n');
  });

  test('size limit: failed set removes old value', async () => {
    assert.equal(await store('stale', 1), 'STORED\r\n');
    assert.equal(await store('stale', 2_000_000), 'SERVER_ERROR object too large for cache\r\n');
    assert.equal(await client.text('get stale\r\n'), 'END\r\n');
  });

  test('size limit: failed add keeps old value', async () => {
    for (const command of ['add', 'replace', 'append', 'prepend']) {
      const key = `keep-${command}`;
      assert.equal(await store(key, 1), 'STORED\r\n');
      assert.equal(await store(key, 2_000_000, command), 'SERVER_ERROR object too large for cache\r\n', command);
      assert.equal(await client.text(`get ${key}\r\n`), `VALUE ${key} 0 1\r\na\r\nEND\r\n`, command);
    }
  });

  test('size limit: oversize noreply is silent', async () => {
    const reply = await client.text(Buffer.concat([Buffer.from('set quiet 0 0 2000000 noreply\r\n'), Buffer.alloc(2_000_000), Buffer.from('\r\n')]));
    assert.equal(reply, '');
  });

  test('size limit: configurable maxItemBytes', async (t) => {
    const small = await startTestServer({ limits: { maxItemBytes: 1000, maxBufferBytes: 4096 } });
    t.after(() => small.close());
    const other = await RawClient.connect(small.port);
    // 1000 - 71 - 1 = 928 bytes of value for a 1-byte key.
    assert.equal(await other.text(`set z 0 0 928\r\n${'z'.repeat(928)}\r\n`), 'STORED\r\n');
    assert.equal(await other.text(`set z 0 0 929\r\n${'z'.repeat(929)}\r\n`), 'SERVER_ERROR object too large for cache\r\n');
    other.close();
  });
});
