import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { RawClient, startTestServer, type TestServer } from './helpers.js';

const BAD_FORMAT = 'CLIENT_ERROR bad command line format\r\n';

describe('text commands', () => {
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

  test('keys: 250 bytes accepted everywhere', async () => {
    const key = 'q'.repeat(250);
    const reply = await client.text(
      `set ${key} 0 0 1\r\n1\r\nget ${key}\r\nincr ${key} 1\r\ntouch ${key} 0\r\ndelete ${key}\r\n`,
    );
    assert.equal(reply, `STORED\r\nVALUE ${key} 0 1\r\n1\r\nEND\r\n2\r\nTOUCHED\r\nDELETED\r\n`);
  });

  test('keys: 251 bytes rejected everywhere', async () => {
    const key = 'q'.repeat(251);
    const reply = await client.text(
      `set ${key} 0 0 1\r\n1\r\nget ${key}\r\nincr ${key} 1\r\ndecr ${key} 1\r\ntouch ${key} 0\r\ndelete ${key}\r\n`,
    );
    // The set's data line "1" then runs as a command and gives ERROR.
    assert.equal(reply, `${BAD_FORMAT}ERROR\r\n${BAD_FORMAT.repeat(5)}`);
  });

  test('get: long key drops the whole reply', async () => {
    const reply = await client.text(`set lk 0 0 1\r\nx\r\nget lk ${'l'.repeat(251)} lk\r\nget lk\r\n`);
    assert.equal(reply, `STORED\r\n${BAD_FORMAT}VALUE lk 0 1\r\nx\r\nEND\r\n`);
  });

  test('get: request order, misses left out', async () => {
    const reply = await client.text('set g1 1 0 1\r\na\r\nset g2 2 0 1\r\nb\r\nget g2 missing g1 g2\r\n');
    assert.equal(reply, 'STORED\r\nSTORED\r\nVALUE g2 2 1\r\nb\r\nVALUE g1 1 1\r\na\r\nVALUE g2 2 1\r\nb\r\nEND\r\n');
  });

  test('get: noreply is a key name', async () => {
    assert.equal(await client.text('get g1 noreply\r\n'), 'VALUE g1 1 1\r\na\r\nEND\r\n');
    assert.equal(await client.text('set noreply 0 0 1\r\nn\r\nget noreply\r\n'), 'STORED\r\nVALUE noreply 0 1\r\nn\r\nEND\r\n');
  });

  test('gets: adds the cas unique', async () => {
    const reply = await client.text('set gs 3 0 2\r\nhi\r\ngets gs\r\n');
    assert.match(reply, /^STORED\r\nVALUE gs 3 2 [1-9]\d*\r\nhi\r\nEND\r\n$/);
  });

  test('bget: alias of get', async () => {
    assert.equal(await client.text('set bg 0 0 1\r\nb\r\nbget bg\r\n'), 'STORED\r\nVALUE bg 0 1\r\nb\r\nEND\r\n');
  });

  test('delete: DELETED then NOT_FOUND', async () => {
    const reply = await client.text('set d1 0 0 1\r\nx\r\ndelete d1\r\ndelete d1\r\nget d1\r\n');
    assert.equal(reply, 'STORED\r\nDELETED\r\nNOT_FOUND\r\nEND\r\n');
  });

  test('delete: hold time 0 tolerated', async () => {
    const reply = await client.text('set d2 0 0 1\r\nx\r\nset d3 0 0 1\r\nx\r\ndelete d2 0\r\ndelete d3 0 noreply\r\nget d2 d3\r\n');
    assert.equal(reply, 'STORED\r\nSTORED\r\nDELETED\r\nEND\r\n');
  });

  test('delete: other hold time gives usage', async () => {
    const usage = 'CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n';
    assert.equal(await client.text('set d4 0 0 1\r\nx\r\ndelete d4 5\r\ndelete d4 0 foo\r\n'), `STORED\r\n${usage}${usage}`);
    assert.equal(await client.text('get d4\r\n'), 'VALUE d4 0 1\r\nx\r\nEND\r\n');
  });

  test('incr: adds and replies the value', async () => {
    assert.equal(await client.text('set n1 0 0 1\r\n5\r\nincr n1 10\r\ndecr n1 3\r\n'), 'STORED\r\n15\r\n12\r\n');
  });

  test('incr: missing key is NOT_FOUND', async () => {
    assert.equal(await client.text('incr nokey 1\r\ndecr nokey 1\r\nget nokey\r\n'), 'NOT_FOUND\r\nNOT_FOUND\r\nEND\r\n');
  });

  test('incr: invalid delta', async () => {
    const error = 'CLIENT_ERROR invalid numeric delta argument\r\n';
    const reply = await client.text('set n2 0 0 1\r\n1\r\nincr n2 abc\r\nincr n2 -1\r\ndecr n2 1x\r\nincr n2 18446744073709551616\r\n');
    assert.equal(reply, `STORED\r\n${error.repeat(4)}`);
  });

  test('incr: stored value parsing', async () => {
    const nonNumeric = 'CLIENT_ERROR cannot increment or decrement non-numeric value\r\n';
    const cases: Array<[string, string]> = [
      [' 5', '6\r\n'],
      ['5 ', '6\r\n'],
      ['007', '8\r\n'],
      ['abc', nonNumeric],
      ['12abc', nonNumeric],
      ['', nonNumeric],
      ['18446744073709551616', nonNumeric],
      ['-1', nonNumeric],
    ];
    for (const [value, expected] of cases) {
      const reply = await client.text(`set pv 0 0 ${value.length}\r\n${value}\r\nincr pv 1\r\n`);
      assert.equal(reply, `STORED\r\n${expected}`, JSON.stringify(value));
    }
  });

  test('incr: wraps at 2^64', async () => {
    const reply = await client.text('set w 0 0 20\r\n18446744073709551615\r\nincr w 2\r\nget w\r\n');
    assert.equal(reply, `STORED\r\n1\r\nVALUE w 0 20\r\n${'1'.padEnd(20, ' ')}\r\nEND\r\n`);
  });

  test('decr: stops at zero', async () => {
    assert.equal(await client.text('set fl 0 0 1\r\n5\r\ndecr fl 100\r\n'), 'STORED\r\n0\r\n');
    assert.equal(await client.text('decr fl 18446744073709551615\r\n'), '0\r\n');
  });

  test('decr: shorter result padded with spaces', async () => {
    assert.equal(await client.text('set pad 0 0 2\r\n10\r\ndecr pad 1\r\nget pad\r\n'), 'STORED\r\n9\r\nVALUE pad 0 2\r\n9 \r\nEND\r\n');
  });

  test('incr: longer result grows the value', async () => {
    assert.equal(await client.text('set grow 0 0 2\r\n99\r\nincr grow 1\r\nget grow\r\n'), 'STORED\r\n100\r\nVALUE grow 0 3\r\n100\r\nEND\r\n');
  });

  test('incr: keeps flags, changes cas', async () => {
    assert.equal(await client.text('set keepf 42 0 1\r\n1\r\n'), 'STORED\r\n');
    const before = /VALUE keepf 42 1 (\d+)/.exec(await client.text('gets keepf\r\n'))![1];
    assert.equal(await client.text('incr keepf 1\r\n'), '2\r\n');
    const after = /VALUE keepf 42 1 (\d+)/.exec(await client.text('gets keepf\r\n'))![1];
    assert.notEqual(after, before);
  });

  test('incr: 64-bit delta is exact', async () => {
    const reply = await client.text('set big 0 0 1\r\n0\r\nincr big 9007199254740993\r\nincr big 9007199254740993\r\n');
    assert.equal(reply, 'STORED\r\n9007199254740993\r\n18014398509481986\r\n');
  });

  test('touch: TOUCHED keeps value and cas', async () => {
    assert.equal(await client.text('set t1 9 0 2\r\nab\r\n'), 'STORED\r\n');
    const before = await client.text('gets t1\r\n');
    assert.equal(await client.text('touch t1 100\r\ntouch nothere 100\r\n'), 'TOUCHED\r\nNOT_FOUND\r\n');
    assert.equal(await client.text('gets t1\r\n'), before);
  });

  test('touch: invalid exptime', async () => {
    assert.equal(await client.text('touch t1 abc\r\ntouch t1 1x\r\n'), 'CLIENT_ERROR invalid exptime argument\r\n'.repeat(2));
  });

  test('touch: negative exptime removes', async () => {
    assert.equal(await client.text('set t2 0 0 1\r\nx\r\ntouch t2 -1\r\nget t2\r\n'), 'STORED\r\nTOUCHED\r\nEND\r\n');
  });

  test('noreply: silences successes', async () => {
    const request =
      'set nr 0 0 1 noreply\r\n1\r\nadd nr2 0 0 1 noreply\r\n2\r\nreplace nr 0 0 1 noreply\r\n3\r\n' +
      'append nr 0 0 1 noreply\r\n4\r\nprepend nr 0 0 1 noreply\r\n5\r\nincr nr 1 noreply\r\n' +
      'decr nr 1 noreply\r\ntouch nr 0 noreply\r\ndelete nr2 noreply\r\nverbosity 1 noreply\r\nverbosity noreply\r\n';
    assert.equal(await client.text(request), '');
    assert.equal(await client.text('get nr nr2\r\n'), 'VALUE nr 0 3\r\n534\r\nEND\r\n');
  });

  test('noreply: silences errors too', async () => {
    const request =
      'set e1 0 0 abc noreply\r\nset e2 abc 0 0 noreply\r\nadd g1 0 0 1 noreply\r\nx\r\n' +
      'replace nothere 0 0 1 noreply\r\nx\r\ncas nothere 0 0 1 1 noreply\r\nx\r\nincr nothere 1 noreply\r\n' +
      'incr g1 x noreply\r\ndelete nothere noreply\r\ndelete g1 5 noreply\r\ntouch nothere 0 noreply\r\n' +
      'touch g1 x noreply\r\nflush_all noreply\r\nflush_all 0 noreply\r\n';
    assert.equal(await client.text(request), '');
  });

  test('noreply: bad data chunk silent', async () => {
    assert.equal(await client.text('set ch 0 0 1 noreply\r\nxyz\r\n'), 'ERROR\r\n');
  });

  test('noreply: only as the exact last word', async () => {
    assert.equal(await client.text('set nx 0 0 1 NOREPLY\r\nx\r\n'), 'STORED\r\n');
    assert.equal(await client.text('incr nx 1 noreplyx\r\n'), 'CLIENT_ERROR cannot increment or decrement non-numeric value\r\n');
  });

  test('version: VERSION line, strict words', async () => {
    assert.equal(await client.text('version\r\n'), 'VERSION 1.4.39\r\n');
    assert.equal(await client.text('version foo bar\r\nversion noreply\r\n'), 'ERROR\r\nERROR\r\n');
  });

  test('verbosity: forms memcapable checks', async () => {
    assert.equal(await client.text('verbosity 1\r\nverbosity 0 noreply\r\nverbosity noreply\r\n'), 'OK\r\n');
    assert.equal(await client.text('verbosity foo bar my\r\nverbosity\r\n'), 'ERROR\r\nERROR\r\n');
    assert.equal(await client.text('verbosity abc\r\nverbosity 1 2\r\n'), 'OK\r\nOK\r\n');
  });

  test('quit: wrong words give ERROR', async () => {
    assert.equal(await client.text('quit foo bar\r\nquit noreply\r\n'), 'ERROR\r\nERROR\r\n');
  });

  test('flush_all: rejected, nothing deleted', async () => {
    assert.equal(await client.text('set keep 0 0 1\r\nk\r\n'), 'STORED\r\n');
    const rejected = 'CLIENT_ERROR flush_all not allowed\r\n';
    assert.equal(await client.text('flush_all\r\nflush_all 0\r\nflush_all abc\r\n'), rejected.repeat(3));
    assert.equal(await client.text('get keep\r\n'), 'VALUE keep 0 1\r\nk\r\nEND\r\n');
  });
});

describe('quit', () => {
  test('quit: closes after earlier replies', async (t) => {
    const harness = await startTestServer();
    t.after(() => harness.close());
    const client = await RawClient.connect(harness.port);
    client.send('set q 0 0 1\r\nx\r\nget q\r\nquit\r\nget q\r\n');
    assert.equal(await client.waitClosed(), true);
    assert.equal(client.pending.toString('latin1'), 'STORED\r\nVALUE q 0 1\r\nx\r\nEND\r\n');
  });
});
