import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { UdpClient, binaryRequest, parseBinaryResponses, startTestServer, storeExtras, udpFrame, type TestServer } from './helpers.js';

function frameFields(datagram: Buffer): [number, number, number, number] {
  return [datagram.readUInt16BE(0), datagram.readUInt16BE(2), datagram.readUInt16BE(4), datagram.readUInt16BE(6)];
}

describe('udp', () => {
  let harness: TestServer;
  let udp: UdpClient;

  before(async () => {
    harness = await startTestServer({ udp: true });
    udp = await UdpClient.open();
  });

  after(async () => {
    udp.close();
    await harness.close();
  });

  test('udp: request id echoed', async () => {
    udp.send(harness.udpPort!, udpFrame(0xabcd, 'version\r\n', 5, 1));
    const [reply] = await udp.receive(1);
    assert.deepEqual(frameFields(reply!), [0xabcd, 0, 1, 0]);
    assert.equal(reply!.subarray(8).toString(), 'VERSION 1.4.39\r\n');
  });

  test('udp: storage and retrieval', async () => {
    udp.send(harness.udpPort!, udpFrame(1, 'set u1 3 0 5\r\nhello\r\n'));
    assert.equal((await udp.receive(1))[0]!.subarray(8).toString(), 'STORED\r\n');
    udp.send(harness.udpPort!, udpFrame(2, 'get u1\r\n'));
    assert.equal((await udp.receive(1))[0]!.subarray(8).toString(), 'VALUE u1 3 5\r\nhello\r\nEND\r\n');
  });

  test('udp: each command its own reply', async () => {
    udp.send(harness.udpPort!, udpFrame(3, 'set u2 0 0 1\r\nx\r\nget u2\r\nincr u2 1\r\n'));
    const replies = await udp.receive(3);
    assert.deepEqual(replies.map(frameFields), [
      [3, 0, 1, 0],
      [3, 0, 1, 0],
      [3, 0, 1, 0],
    ]);
    assert.deepEqual(
      replies.map((reply) => reply.subarray(8).toString()),
      ['STORED\r\n', 'VALUE u2 0 1\r\nx\r\nEND\r\n', 'CLIENT_ERROR cannot increment or decrement non-numeric value\r\n'],
    );
  });

  test('udp: replies cut at 1400 bytes', async () => {
    const value = Buffer.alloc(5000, 0x7a);
    udp.send(harness.udpPort!, udpFrame(4, Buffer.concat([Buffer.from('set u3 0 0 5000\r\n'), value, Buffer.from('\r\n')])));
    await udp.receive(1);
    udp.send(harness.udpPort!, udpFrame(5, 'get u3\r\n'));
    const expected = Buffer.concat([Buffer.from('VALUE u3 0 5000\r\n'), value, Buffer.from('\r\nEND\r\n')]);
    const total = Math.ceil(expected.length / 1392);
    const datagrams = await udp.receive(total);
    assert.deepEqual(
      datagrams.map(frameFields),
      Array.from({ length: total }, (_, sequence) => [5, sequence, total, 0]),
    );
    assert.ok(datagrams.every((datagram) => datagram.length <= 1400));
    assert.ok(datagrams.slice(0, -1).every((datagram) => datagram.length === 1400));
    assert.deepEqual(Buffer.concat(datagrams.map((datagram) => datagram.subarray(8))), expected);
  });

  test('udp: multi-datagram requests dropped', async () => {
    const before = harness.server.stats().counters.udpDropped;
    udp.send(harness.udpPort!, udpFrame(6, 'get u1\r\n', 0, 2));
    udp.send(harness.udpPort!, udpFrame(6, 'get u1\r\n', 1, 2));
    udp.send(harness.udpPort!, Buffer.from([0, 7, 0, 0, 0, 1, 0, 0]));
    udp.send(harness.udpPort!, udpFrame(8, 'version\r\n'));
    const [reply] = await udp.receive(1);
    assert.equal(reply!.readUInt16BE(0), 8);
    assert.equal(udp.queued, 0);
    assert.equal(harness.server.stats().counters.udpDropped - before, 3);
  });

  test('udp: noreply sends nothing', async () => {
    udp.send(harness.udpPort!, udpFrame(9, 'set u4 0 0 1 noreply\r\nx\r\n'));
    udp.send(harness.udpPort!, udpFrame(10, 'get u4\r\n'));
    const [reply] = await udp.receive(1);
    assert.equal(reply!.readUInt16BE(0), 10);
    assert.equal(reply!.subarray(8).toString(), 'VALUE u4 0 1\r\nx\r\nEND\r\n');
  });

  test('udp: truncated command dropped', async () => {
    udp.send(harness.udpPort!, udpFrame(11, 'set u5 0 0 10\r\nshort'));
    udp.send(harness.udpPort!, udpFrame(12, 'get u5\r\n'));
    const [reply] = await udp.receive(1);
    assert.equal(reply!.readUInt16BE(0), 12);
    assert.equal(reply!.subarray(8).toString(), 'END\r\n');
  });

  test('udp: binary payload', async () => {
    const request = Buffer.concat([
      binaryRequest({ opcode: 0x01, key: 'ub', value: 'bin', extras: storeExtras(1, 0), opaque: 1 }),
      binaryRequest({ opcode: 0x0c, key: 'ub', opaque: 2 }),
    ]);
    udp.send(harness.udpPort!, udpFrame(13, request));
    const replies = await udp.receive(2);
    const responses = replies.map((reply) => parseBinaryResponses(reply.subarray(8))[0]!);
    assert.deepEqual(
      responses.map((response) => [response.opcode, response.status, response.opaque, response.value.toString()]),
      [
        [0x01, 0, 1, ''],
        [0x0c, 0, 2, 'bin'],
      ],
    );
  });

  test('udp: off unless a port is given', async () => {
    const tcpOnly = await startTestServer();
    try {
      assert.equal(tcpOnly.server.address.udpPort, null);
      assert.equal(tcpOnly.udpPort, null);
    } finally {
      await tcpOnly.close();
    }
  });
});
