import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { PcapWriter, buildDnsResponse, buildTcpSegments, buildUdpFrames } from '../src/index.js';
import { TempFiles, replayAll } from './helpers.js';

const files = new TempFiles();
after(() => files.cleanup());

/** Small seeded generator (mulberry32) so that every run mutates the same bytes. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** A capture mixing UDP, fragmented UDP, TCP and IPv6 exchanges. */
function mixedCapture(format: 'pcap' | 'pcapng'): Buffer {
  const writer = new PcapWriter({ format });
  writer.addDnsExchange({ timestampMs: 1000, client: '10.0.0.1', name: 'a.example', answers: ['192.0.2.1'] });
  writer.addDnsExchange({ timestampMs: 1010, client: '[2001:db8::1]:4000', name: 'b.example', type: 'AAAA', answers: ['2001:db8::2'] });
  writer.addDnsExchange({ timestampMs: 1020, client: '10.0.0.2', name: 'c.example', transport: 'TCP', answers: [{ type: 'CNAME', data: 'd.example' }] });
  const big = buildDnsResponse({ id: 9, name: 'big.example', type: 'TXT', answers: Array.from({ length: 20 }, (_, i) => ({ type: 'TXT', data: `line ${i} ${'z'.repeat(30)}` })) });
  buildUdpFrames({ source: { ip: '192.0.2.53', port: 53 }, destination: { ip: '10.0.0.3', port: 4000 }, payload: big, fragmentPayloadBytes: 256 }).forEach((frame, index) => writer.addPacket(frame, { timestampMs: 1030 + index }));
  buildTcpSegments({ source: { ip: '10.0.0.4', port: 4001 }, destination: { ip: '192.0.2.53', port: 53 }, messages: [big, big], segmentPayloadBytes: 100 }).forEach((frame, index) => writer.addPacket(frame, { timestampMs: 1040 + index }));
  return writer.takeBytes();
}

for (const format of ['pcap', 'pcapng'] as const) {
  test(`hostile input: mutated ${format} never throws`, async () => {
    const original = mixedCapture(format);
    const next = random(format === 'pcap' ? 1 : 2);
    for (let round = 0; round < 150; round++) {
      const mutated = Buffer.from(original);
      const flips = 1 + Math.floor(next() * 8);
      for (let i = 0; i < flips; i++) {
        // Spare the file header so that most rounds reach the packets.
        const at = 28 + Math.floor(next() * (mutated.length - 28));
        mutated[at] = Math.floor(next() * 256);
      }
      const cut = next() < 0.2 ? Math.floor(next() * mutated.length) : mutated.length;
      const { summary } = await replayAll([files.write(mutated.subarray(0, cut), format)]);

      const label = `${format} round ${round}`;
      assert.equal(summary.responses, summary.paired + summary.duplicateResponses + summary.unpairedResponses, label);
      // A mutated port can turn a request into mDNS, which never pairs or times out.
      assert.ok(summary.paired + summary.timeouts <= summary.requests, label);
      assert.equal(summary.dnsMessages, summary.requests + summary.responses, label);
      assert.ok(Object.values(summary.faults).every((count) => Number.isInteger(count) && count > 0), label);
    }
  });
}

test('hostile input: random bytes as DNS payloads', async () => {
  const next = random(3);
  const writer = new PcapWriter();
  for (let i = 0; i < 500; i++) {
    const payload = Buffer.alloc(Math.floor(next() * 80));
    for (let j = 0; j < payload.length; j++) payload[j] = Math.floor(next() * 256);
    const [frame] = buildUdpFrames({ source: { ip: '10.0.0.1', port: 4000 + i }, destination: { ip: '192.0.2.53', port: 53 }, payload });
    writer.addPacket(frame!, { timestampMs: 1000 + i });
  }
  const { events, summary } = await replayAll([files.write(writer.takeBytes())]);
  assert.equal(summary.dnsMessages + summary.malformed, 500);
  assert.equal(summary.dnsMessages, events.length);
  assert.equal(summary.malformed, Object.values(summary.faults).reduce((sum, count) => sum + count, 0));
});
