/**
 * One raw-bytes test per item of the implementers' checklist of the memcached 1.4 protocol
 * notes: the mistakes servers commonly make. Expected bytes are memcached 1.4.39's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  RawClient,
  UdpClient,
  binaryExchange,
  binaryRequest,
  counterExtras,
  startTestServer,
  storeExtras,
  udpFrame,
  type TestServer,
} from './helpers.js';

describe('implementer checklist', () => {
  let harness: TestServer;
  let client: RawClient;

  before(async () => {
    harness = await startTestServer({ udp: true });
    client = await RawClient.connect(harness.port);
  });

  after(async () => {
    client.close();
    await harness.close();
  });

  test('checklist 1: data counted, reads split', async () => {
    // The value contains CRLF and "END", and arrives one byte per write.
    const value = 'ab\r\nEND\r\ncd\r\n';
    const request = `set c1 0 0 ${value.length}\r\n${value}\r\nget c1\r\n`;
    for (const byte of request) {
      client.send(byte);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    assert.equal(await client.readUntilEndsWith('\r\n\r\nEND\r\n'), `STORED\r\nVALUE c1 0 ${value.length}\r\n${value}\r\nEND\r\n`);
    assert.equal(await client.text('set c1a 0 0 1\r\nx\r\nset c1b 0 0 1\r\ny\r\nget c1a c1b\r\n'), 'STORED\r\nSTORED\r\nVALUE c1a 0 1\r\nx\r\nVALUE c1b 0 1\r\ny\r\nEND\r\n');
  });

  test('checklist 2: protocol fixed by first byte', async () => {
    const binary = await RawClient.connect(harness.port);
    // A text command on a binary connection has a bad magic and closes it.
    const responses = await binaryExchange(binary, binaryRequest({ opcode: 0x0b }));
    assert.equal(responses[0]!.value.toString(), '1.4.39');
    binary.send('version\r\n'.padEnd(24, ' '));
    assert.equal(await binary.waitClosed(), true);

    // 0x80 on a text connection is just an unknown command.
    assert.equal(await client.text(Buffer.concat([binaryRequest({ opcode: 0x0b }).subarray(0, 4), Buffer.from('\r\n')])), 'ERROR\r\n');
  });

  test('checklist 3: swallow only oversize data', async () => {
    assert.equal(await client.text('set c3 zz 0 1\r\nx\r\n'), 'CLIENT_ERROR bad command line format\r\nERROR\r\n');
    const oversize = Buffer.concat([Buffer.from('set c3 0 0 1048576\r\n'), Buffer.alloc(1_048_576, 0x41), Buffer.from('\r\n')]);
    assert.equal(await client.text(oversize), 'SERVER_ERROR object too large for cache\r\n');
  });

  test('checklist 4: failed oversize set deletes', async () => {
    assert.equal(await client.text('set c4 0 0 3\r\nold\r\n'), 'STORED\r\n');
    const oversize = Buffer.concat([Buffer.from('set c4 0 0 2097152\r\n'), Buffer.alloc(2_097_152), Buffer.from('\r\n')]);
    assert.equal(await client.text(oversize), 'SERVER_ERROR object too large for cache\r\n');
    assert.equal(await client.text('get c4\r\n'), 'END\r\n');
  });

  test('checklist 5: noreply silences errors', async () => {
    assert.equal(await client.text('set c5 0 0 abc noreply\r\nincr c5 x noreply\r\ndelete c5 9 noreply\r\n'), '');
  });

  test('checklist 6: ERROR versus CLIENT_ERROR', async () => {
    assert.equal(await client.text('set c6 0 0\r\nincr c6\r\n'), 'ERROR\r\nERROR\r\n');
    assert.equal(await client.text('set c6 0 0 x\r\nincr c6 x\r\n'), 'CLIENT_ERROR bad command line format\r\nCLIENT_ERROR invalid numeric delta argument\r\n');
  });

  test('checklist 7: 64-bit arithmetic', async () => {
    const reply = await client.text(
      'set c7 0 0 20\r\n18446744073709551615\r\nincr c7 2\r\nset c7b 0 0 1\r\n3\r\ndecr c7b 4\r\nincr c7b 18446744073709551615\r\n',
    );
    assert.equal(reply, 'STORED\r\n1\r\nSTORED\r\n0\r\n18446744073709551615\r\n');
    const gets = await client.text('gets c7b\r\n');
    assert.match(gets, /^VALUE c7b 0 20 \d+\r\n18446744073709551615\r\nEND\r\n$/);
  });

  test('checklist 8: 32-bit flags', async () => {
    const reply = await client.text('set c8 4294967296 0 1\r\nx\r\nset c8b -1 0 1\r\nx\r\nset c8c 4294967295 0 1\r\nx\r\nget c8 c8c\r\n');
    assert.equal(reply, 'STORED\r\nCLIENT_ERROR bad command line format\r\nERROR\r\nSTORED\r\nVALUE c8 0 1\r\nx\r\nVALUE c8c 4294967295 1\r\nx\r\nEND\r\n');
  });

  test('checklist 9: exptime rules, touch keeps cas', async () => {
    const nowSeconds = Math.floor(harness.clock.nowMs() / 1000);
    const reply = await client.text(
      `set c9a 0 -1 1\r\nx\r\nset c9b 0 ${nowSeconds - 10} 1\r\nx\r\nset c9c 0 ${nowSeconds + 100} 1\r\nx\r\nget c9a c9b c9c\r\n`,
    );
    assert.equal(reply, 'STORED\r\nSTORED\r\nSTORED\r\nVALUE c9c 0 1\r\nx\r\nEND\r\n');
    const before = await client.text('gets c9c\r\n');
    assert.equal(await client.text('touch c9c 0\r\n'), 'TOUCHED\r\n');
    assert.equal(await client.text('gets c9c\r\n'), before);
  });

  test('checklist 10: incr parsing and padding', async () => {
    const reply = await client.text(
      'set c10 0 0 4\r\n 10 \r\ndecr c10 1\r\nget c10\r\nset c10e 0 0 0\r\n\r\nincr c10e 1\r\nset c10b 0 0 20\r\n18446744073709551616\r\nincr c10b 1\r\n',
    );
    const nonNumeric = 'CLIENT_ERROR cannot increment or decrement non-numeric value\r\n';
    assert.equal(reply, `STORED\r\n9\r\nVALUE c10 0 4\r\n9   \r\nEND\r\nSTORED\r\n${nonNumeric}STORED\r\n${nonNumeric}`);
  });

  test('checklist 11: get and set counters', async () => {
    const stats = async (): Promise<Map<string, number>> => {
      const text = await client.text('stats\r\n');
      return new Map([...text.matchAll(/STAT (\S+) (\d+)\r\n/g)].map((match) => [match[1]!, Number(match[2])]));
    };
    const before = await stats();
    await client.text('set c11 0 0 1\r\nx\r\nadd c11 0 0 1\r\ny\r\nget c11 c11x c11\r\n');
    const after = await stats();
    assert.equal(after.get('cmd_get')! - before.get('cmd_get')!, 3);
    assert.equal(after.get('get_hits')! - before.get('get_hits')!, 2);
    assert.equal(after.get('get_misses')! - before.get('get_misses')!, 1);
    assert.equal(after.get('cmd_set')! - before.get('cmd_set')!, 2);
    assert.equal(after.get('total_items')! - before.get('total_items')!, 1);
  });

  test('checklist 12: delete hold time forms', async () => {
    const reply = await client.text('set c12 0 0 1\r\nx\r\ndelete c12 5\r\ndelete c12 0\r\n');
    assert.equal(reply, 'STORED\r\nCLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\nDELETED\r\n');
  });

  test('checklist 13: UDP framing', async () => {
    const udp = await UdpClient.open();
    try {
      const value = 'v'.repeat(3000);
      udp.send(harness.udpPort!, udpFrame(0x1234, `set c13 0 0 3000\r\n${value}\r\n`));
      const [stored] = await udp.receive(1);
      assert.deepEqual(stored, udpFrame(0x1234, 'STORED\r\n'));

      udp.send(harness.udpPort!, udpFrame(0xbeef, 'get c13\r\n'));
      const expected = `VALUE c13 0 3000\r\n${value}\r\nEND\r\n`;
      const datagrams = await udp.receive(3);
      assert.deepEqual(
        datagrams.map((datagram) => [datagram.readUInt16BE(0), datagram.readUInt16BE(2), datagram.readUInt16BE(4), datagram.readUInt16BE(6), datagram.length]),
        [
          [0xbeef, 0, 3, 0, 1400],
          [0xbeef, 1, 3, 0, 1400],
          [0xbeef, 2, 3, 0, 8 + expected.length - 2 * 1392],
        ],
      );
      const payload = Buffer.concat(datagrams.map((datagram) => datagram.subarray(8))).toString('latin1');
      assert.equal(payload, expected);

      udp.send(harness.udpPort!, udpFrame(7, 'get c13\r\n', 0, 2));
      udp.send(harness.udpPort!, udpFrame(8, 'version\r\n'));
      const [next] = await udp.receive(1);
      assert.equal(next!.readUInt16BE(0), 8, 'the two-datagram request got no reply');
    } finally {
      udp.close();
    }
  });

  test('checklist 14: binary quiet and error rules', async () => {
    const binary = await RawClient.connect(harness.port);
    const responses = await binaryExchange(
      binary,
      binaryRequest({ opcode: 0x11, key: 'c14', extras: storeExtras(0, 0), value: 'v' }),
      binaryRequest({ opcode: 0x14, key: 'c14missing', opaque: 1 }),
      binaryRequest({ opcode: 0x09, key: 'c14missing', opaque: 2 }),
      binaryRequest({ opcode: 0x0c, key: 'c14missing', opaque: 3 }),
      binaryRequest({ opcode: 0x05, key: 'c14n', extras: counterExtras(5n, 100n, 0), opaque: 4 }),
      binaryRequest({ opcode: 0x05, key: 'c14m', extras: counterExtras(5n, 100n, 0xffffffff), opaque: 5 }),
    );
    assert.deepEqual(
      responses.map((response) => [response.opcode, response.status, response.opaque, response.key.toString(), response.value.toString('hex')]),
      [
        [0x14, 0x0001, 1, '', Buffer.from('Not found').toString('hex')],
        [0x0c, 0x0001, 3, 'c14missing', ''],
        [0x05, 0x0000, 4, '', '0000000000000064'],
        [0x05, 0x0001, 5, '', Buffer.from('Not found').toString('hex')],
      ],
    );

    binary.send(binaryRequest({ opcode: 0x00, key: 'k', extrasLength: 4, bodyLength: 5, extras: Buffer.alloc(4) }));
    assert.equal(await binary.waitClosed(), true);
  });

  test('checklist 15: version matches behaviour', async () => {
    assert.equal(await client.text('version\r\n'), 'VERSION 1.4.39\r\n');
    assert.equal(await client.text('version noreply\r\nquit noreply\r\n'), 'ERROR\r\nERROR\r\n');
  });
});
