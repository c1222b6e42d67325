import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { PcapWriter, buildDnsQuery, buildDnsResponse, buildUdpFrames, encapsulate, buildIpPacket, buildUdpDatagram, fragmentIpPacket } from '../src/index.js';
import { TempFiles, replayAll } from './helpers.js';

const files = new TempFiles();
after(() => files.cleanup());

const client = { ip: '10.0.0.5', port: 40000 };
const server = { ip: '192.0.2.53', port: 53 };
const client6 = { ip: '2001:db8::5', port: 40000 };
const server6 = { ip: '2001:db8::53', port: 53 };

/** A response large enough to need fragments: 40 TXT answers. */
function bigResponse(id: number): Buffer {
  const answers = Array.from({ length: 40 }, (_, i) => ({ type: 'TXT', data: `record ${i} ${'x'.repeat(40)}` }));
  return buildDnsResponse({ id, name: 'big.example', type: 'TXT', answers });
}

function captureWith(frames: Buffer[], query: Buffer, queryFrom = client, queryTo = server): string {
  const writer = new PcapWriter();
  writer.addFrames(buildUdpFrames({ source: queryFrom, destination: queryTo, payload: query }).map((frame) => ({ timestampMs: 1000, frame })));
  frames.forEach((frame, index) => writer.addPacket(frame, { timestampMs: 1001 + index }));
  return files.write(writer.takeBytes());
}

test('ip fragments: IPv4 in order', async () => {
  const response = bigResponse(7);
  const frames = buildUdpFrames({ source: server, destination: client, payload: response, fragmentPayloadBytes: 512, identification: 99 });
  assert.ok(frames.length >= 4);
  const { events, summary } = await replayAll([captureWith(frames, buildDnsQuery({ id: 7, name: 'big.example', type: 'TXT' }))]);

  assert.deepEqual(summary.faults, {});
  assert.equal(summary.paired, 1);
  const dns = events[1]!.dns!;
  assert.equal(dns.response!.answers.length, 40);
  assert.equal(dns.response!.rspPkts, frames.length);
  assert.equal(dns.response!.rspL2Bytes, frames.reduce((sum, frame) => sum + frame.length, 0));
  assert.equal(dns.response!.rspBytes, response.length);
  assert.equal(dns.response!.answers[39]!.data, `record 39 ${'x'.repeat(40)}`);
});

test('ip fragments: IPv4 reversed and repeated', async () => {
  const frames = buildUdpFrames({ source: server, destination: client, payload: bigResponse(8), fragmentPayloadBytes: 256 });
  const shuffled = [...frames].reverse();
  shuffled.splice(2, 0, frames[1]!);
  const { events, summary } = await replayAll([captureWith(shuffled, buildDnsQuery({ id: 8, name: 'big.example', type: 'TXT' }))]);
  assert.deepEqual(summary.faults, {});
  assert.equal(events.length, 2);
  assert.equal(events[1]!.dns!.response!.answers.length, 40);
  assert.equal(events[1]!.dns!.response!.rspPkts, frames.length + 1);
});

test('ip fragments: IPv6 with extension headers', async () => {
  const response = bigResponse(9);
  const frames = buildUdpFrames({ source: server6, destination: client6, payload: response, fragmentPayloadBytes: 600, identification: 0xdeadbeef, extensionHeaders: [60] });
  const query = buildDnsQuery({ id: 9, name: 'big.example', type: 'TXT' });
  const writer = new PcapWriter();
  writer.addFrames(buildUdpFrames({ source: client6, destination: server6, payload: query, extensionHeaders: [0, 43, 60] }).map((frame) => ({ timestampMs: 1000, frame })));
  writer.addFrames([...frames].reverse().map((frame) => ({ timestampMs: 1002, frame })));
  const { events, summary } = await replayAll([files.write(writer.takeBytes())]);

  assert.deepEqual(summary.faults, {});
  assert.equal(summary.paired, 1);
  assert.equal(events[0]!.flow!.ipver, 'IPv6');
  assert.equal(events[1]!.dns!.response!.answers.length, 40);
  assert.equal(events[1]!.dns!.response!.rspPkts, frames.length);
});

test('ip fragments: IPv6 atomic fragment', async () => {
  const query = buildDnsQuery({ id: 10, name: 'atomic.example' });
  const packet = buildIpPacket({ source: client6.ip, destination: server6.ip, protocol: 17, payload: buildUdpDatagram(client6, server6, query) });
  const [atomic] = fragmentIpPacket(packet, 4096);
  const writer = new PcapWriter();
  writer.addPacket(encapsulate(atomic!), { timestampMs: 1000 });
  const { events, summary } = await replayAll([files.write(writer.takeBytes())]);
  assert.deepEqual(summary.faults, {});
  assert.equal(events[0]!.dns!.qname, 'atomic.example');
});

test('ip fragments: conflicting overlap dropped', async () => {
  const frames = buildUdpFrames({ source: server, destination: client, payload: bigResponse(11), fragmentPayloadBytes: 512 });
  const altered = Buffer.from(frames[1]!);
  altered[altered.length - 1] = altered[altered.length - 1]! ^ 0xff;
  const order = [frames[0]!, altered, ...frames.slice(1)];
  const { events, summary } = await replayAll([captureWith(order, buildDnsQuery({ id: 11, name: 'big.example', type: 'TXT' }))]);
  assert.deepEqual(summary.faults, { 'fragment-overlap': 1 });
  assert.equal(events.length, 1);
  assert.equal(summary.timeouts, 1);
});

test('ip fragments: missing fragment times out', async () => {
  const frames = buildUdpFrames({ source: server, destination: client, payload: bigResponse(12), fragmentPayloadBytes: 512 });
  const writer = new PcapWriter();
  writer.addPacket(frames[0]!, { timestampMs: 1000 });
  writer.addPacket(frames[2]!, { timestampMs: 1001 });
  writer.addDnsExchange({ timestampMs: 40_000, client: '10.9.9.9', name: 'later.example' });
  writer.addPacket(frames[1]!, { timestampMs: 41_000 });
  const { events, summary } = await replayAll([files.write(writer.takeBytes())]);
  // The first two fragments expire after 30 s; the late one starts a datagram that never completes.
  assert.deepEqual(summary.faults, { 'fragment-timeout': 2 });
  assert.equal(events.length, 2);
});

test('ip fragments: snaplen cut fragment', async () => {
  const frames = buildUdpFrames({ source: server, destination: client, payload: bigResponse(13), fragmentPayloadBytes: 512 });
  const writer = new PcapWriter();
  writer.addPacket(frames[0]!, { timestampMs: 1000, capturedLength: 100 });
  frames.slice(1).forEach((frame) => writer.addPacket(frame, { timestampMs: 1001 }));
  const { events, summary } = await replayAll([files.write(writer.takeBytes())]);
  assert.deepEqual(summary.faults, { 'snaplen-cut': 1 });
  assert.equal(events.length, 0);
});

test('ip fragments: past 65535 bytes rejected', async () => {
  const frames = buildUdpFrames({ source: server, destination: client, payload: bigResponse(14), fragmentPayloadBytes: 512 });
  const last = Buffer.from(frames[frames.length - 1]!);
  last.writeUInt16BE(0x1fff, 14 + 6);
  const { summary } = await replayAll([captureWith([last], buildDnsQuery({ id: 14, name: 'x.example' }))]);
  assert.deepEqual(summary.faults, { 'bad-fragment': 1 });
});
