import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { PcapWriter, TCP_FLAGS, buildDnsQuery, buildDnsResponse, buildTcpControlFrame, buildTcpSegments } from '../src/index.js';
import { TempFiles, replayAll, requests, responses } from './helpers.js';

const files = new TempFiles();
after(() => files.cleanup());

const client = { ip: '10.0.0.7', port: 41000 };
const server = { ip: '192.0.2.53', port: 53 };
const first = buildDnsQuery({ id: 1, name: 'first.example' });
const second = buildDnsQuery({ id: 2, name: 'second.example', type: 'AAAA' });

function capture(frames: Buffer[], startMs = 1000): string {
  const writer = new PcapWriter();
  frames.forEach((frame, index) => writer.addPacket(frame, { timestampMs: startMs + index }));
  return files.write(writer.takeBytes());
}

test('tcp streams: split at every offset', async () => {
  const streamLength = first.length + second.length + 4;
  for (let split = 1; split < streamLength; split++) {
    const frames = buildTcpSegments({ source: client, destination: server, messages: [first, second], splitAt: [split] });
    const { events, summary } = await replayAll([capture(frames)]);

    assert.deepEqual(summary.faults, {}, `split ${split}`);
    assert.deepEqual(events.map((event) => event.dns!.qname), ['first.example', 'second.example'], `split ${split}`);
    const boundary = first.length + 2;
    assert.equal(events[0]!.dns!.reqPkts, split >= boundary ? 1 : 2, `split ${split}: first message packets`);
    assert.equal(events[1]!.dns!.reqPkts, split <= boundary ? 1 : 2, `split ${split}: second message packets`);
    assert.equal(events[0]!.dns!.reqBytes, first.length);
  }
});

test('tcp streams: one byte per segment', async () => {
  const frames = buildTcpSegments({ source: client, destination: server, messages: [first], segmentPayloadBytes: 1 });
  const { events } = await replayAll([capture(frames)]);
  assert.equal(events.length, 1);
  assert.equal(events[0]!.dns!.reqPkts, first.length + 2);
  assert.equal(events[0]!.dns!.reqL2Bytes, frames.reduce((sum, frame) => sum + frame.length, 0));
  assert.equal(events[0]!.timestampMs, 1000 + frames.length - 1);
});

test('tcp streams: many messages per segment', async () => {
  const messages = Array.from({ length: 20 }, (_, i) => buildDnsQuery({ id: i, name: `${i}.pipelined.example` }));
  const frames = buildTcpSegments({ source: client, destination: server, messages });
  assert.equal(frames.length, 1);
  const { events } = await replayAll([capture(frames)]);
  assert.equal(events.length, 20);
  assert.ok(events.every((event) => event.dns!.reqPkts === 1 && event.dns!.reqL2Bytes === frames[0]!.length));
});

test('tcp streams: responses pair over TCP', async () => {
  const query = buildTcpSegments({ source: client, destination: server, messages: [first], seq: 100 });
  const answer = buildTcpSegments({ source: server, destination: client, messages: [buildDnsResponse({ id: 1, name: 'first.example', answers: ['192.0.2.9'] })], seq: 9000, segmentPayloadBytes: 10 });
  const { events, summary } = await replayAll([capture([...query, ...answer])]);
  assert.equal(summary.paired, 1);
  const response = responses(events)[0]!;
  assert.equal(response.dns!.response!.rspPkts, answer.length);
  assert.equal(response.dns!.response!.processingTime, answer.length);
  assert.equal(response.flow!.id, 'TCP 10.0.0.7:41000 > 192.0.2.53:53');
  assert.equal(response.flow!.id, requests(events)[0]!.flow!.id);
});

test('tcp streams: retransmissions ignored', async () => {
  const frames = buildTcpSegments({ source: client, destination: server, messages: [first, second], segmentPayloadBytes: 7 });
  const repeated = frames.flatMap((frame, index) => (index % 2 === 0 ? [frame, frame] : [frame]));
  const { events, summary } = await replayAll([capture(repeated)]);
  assert.deepEqual(summary.faults, {});
  assert.deepEqual(events.map((event) => event.dns!.qname), ['first.example', 'second.example']);
});

test('tcp streams: overlapping resend accepted', async () => {
  const coarse = buildTcpSegments({ source: client, destination: server, messages: [first, second], splitAt: [10, 30] });
  const fine = buildTcpSegments({ source: client, destination: server, messages: [first, second], splitAt: [5, 20, 40] });
  const { events, summary } = await replayAll([capture([coarse[0]!, fine[1]!, coarse[1]!, fine[2]!, fine[3]!, coarse[2]!])]);
  assert.deepEqual(summary.faults, {});
  assert.deepEqual(events.map((event) => event.dns!.qname), ['first.example', 'second.example']);
});

test('tcp streams: out of order segments', async () => {
  const syn = buildTcpControlFrame(client, server, 999, TCP_FLAGS.SYN);
  const frames = buildTcpSegments({ source: client, destination: server, messages: [first, second], segmentPayloadBytes: 9 });
  const { events, summary } = await replayAll([capture([syn, ...[...frames].reverse()])]);
  assert.deepEqual(summary.faults, {});
  assert.deepEqual(events.map((event) => event.dns!.qname), ['first.example', 'second.example']);
});

test('tcp streams: handshake and sequence wrap', async () => {
  const isn = 0xffffffff - 10;
  const syn = buildTcpControlFrame(client, server, isn, TCP_FLAGS.SYN);
  const data = buildTcpSegments({ source: client, destination: server, messages: [first, second], seq: (isn + 1) >>> 0, segmentPayloadBytes: 8 });
  const fin = buildTcpControlFrame(client, server, (isn + 1 + first.length + second.length + 4) >>> 0, TCP_FLAGS.FIN | TCP_FLAGS.ACK);
  const { events, summary } = await replayAll([capture([syn, ...data, fin])]);
  assert.deepEqual(summary.faults, {});
  assert.equal(events.length, 2);
});

test('tcp streams: hole reported as gap', async () => {
  const frames = buildTcpSegments({ source: client, destination: server, messages: [first, second], splitAt: [first.length + 2, first.length + 10] });
  const { events, summary } = await replayAll([capture([frames[0]!, frames[2]!])]);
  assert.deepEqual(summary.faults, { 'tcp-gap': 1 });
  assert.deepEqual(events.map((event) => event.dns!.qname), ['first.example']);
});

test('tcp streams: short length prefix', async () => {
  const frames = buildTcpSegments({ source: client, destination: server, messages: [first] });
  const broken = Buffer.from(frames[0]!);
  broken.writeUInt16BE(5, broken.length - first.length - 2);
  const later = buildTcpSegments({ source: client, destination: server, messages: [second], seq: 1000 + first.length + 2 });
  const { events, summary } = await replayAll([capture([broken, ...later])]);
  assert.deepEqual(summary.faults, { 'bad-tcp-length': 1 });
  assert.equal(events.length, 0);
});

test('tcp streams: stream ends mid-message', async () => {
  const frames = buildTcpSegments({ source: client, destination: server, messages: [first], splitAt: [12] });
  const fin = buildTcpControlFrame(client, server, 1000 + 12, TCP_FLAGS.FIN | TCP_FLAGS.ACK);
  const { events, summary } = await replayAll([capture([frames[0]!, fin])]);
  assert.deepEqual(summary.faults, { 'tcp-truncated-message': 1 });
  assert.equal(events.length, 0);
});

test('tcp streams: reset closes both directions', async () => {
  const frames = buildTcpSegments({ source: client, destination: server, messages: [first], splitAt: [12] });
  const reset = buildTcpControlFrame(server, client, 5000, TCP_FLAGS.RST);
  const syn = buildTcpControlFrame(client, server, 1999, TCP_FLAGS.SYN);
  const next = buildTcpSegments({ source: client, destination: server, messages: [second], seq: 2000 });
  const { events, summary } = await replayAll([capture([frames[0]!, reset, syn, ...next])]);
  assert.deepEqual(summary.faults, { 'tcp-truncated-message': 1 });
  assert.deepEqual(events.map((event) => event.dns!.qname), ['second.example']);
});

test('tcp streams: idle stream closed', async () => {
  const frames = buildTcpSegments({ source: client, destination: server, messages: [first], splitAt: [12] });
  const writer = new PcapWriter();
  writer.addPacket(frames[0]!, { timestampMs: 1000 });
  writer.addDnsExchange({ timestampMs: 200_000, client: '10.0.0.99', name: 'later.example' });
  writer.addPacket(frames[1]!, { timestampMs: 200_001 });
  const { events, summary } = await replayAll([files.write(writer.takeBytes())]);
  // Had the stream stayed open, the second segment would complete the query. After the idle
  // close it starts a new stream whose first two bytes (a zero count) are no valid length.
  assert.deepEqual(summary.faults, { 'tcp-truncated-message': 1, 'bad-tcp-length': 1 });
  assert.deepEqual(events.map((event) => event.dns!.qname), ['later.example', 'later.example']);
});

test('tcp streams: snaplen cut segment', async () => {
  const frames = buildTcpSegments({ source: client, destination: server, messages: [first] });
  const writer = new PcapWriter();
  writer.addPacket(frames[0]!, { timestampMs: 1000, capturedLength: frames[0]!.length - 5 });
  const { events, summary } = await replayAll([files.write(writer.takeBytes())]);
  assert.deepEqual(summary.faults, { 'snaplen-cut': 1 });
  assert.equal(events.length, 0);
});
