import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { PcapWriter, dnsExchangeFrames, linkTypeOf, type LinkSpec } from '../src/index.js';
import { TempFiles, replayAll } from './helpers.js';

const files = new TempFiles();
after(() => files.cleanup());

const links: Array<[string, LinkSpec]> = [
  ['Ethernet', { type: 'ethernet' }],
  ['802.1Q VLAN', { type: 'ethernet', vlanIds: [42] }],
  ['QinQ VLAN', { type: 'ethernet', vlanIds: [100, 42], qinq: true }],
  ['three 802.1Q tags', { type: 'ethernet', vlanIds: [1, 2, 3] }],
  ['Linux cooked v1', { type: 'linux-sll' }],
  ['Linux cooked v2', { type: 'linux-sll2' }],
  ['raw IP', { type: 'raw' }],
  ['BSD null little-endian', { type: 'null', byteOrder: 'little' }],
  ['BSD null big-endian', { type: 'null', byteOrder: 'big' }],
  ['OpenBSD loop', { type: 'loop' }],
];

for (const [label, link] of links) {
  for (const client of ['10.1.2.3:40001', '[2001:db8::7]:40001']) {
    const version = client.startsWith('[') ? 'IPv6' : 'IPv4';
    test(`link types: ${label} over ${version}`, async () => {
      const writer = new PcapWriter({ linkType: linkTypeOf(link) });
      writer.addDnsExchange({ timestampMs: 1_700_000_000_000, client, name: 'link.example', type: 'A', answers: ['192.0.2.1'], link });
      const { events, summary } = await replayAll([files.write(writer.takeBytes())]);

      assert.deepEqual(summary.faults, {});
      assert.equal(summary.paired, 1);
      assert.equal(events.length, 2);
      assert.equal(events[0]!.dns!.qname, 'link.example');
      assert.equal(events[0]!.flow!.ipver, version);
      assert.equal(events[0]!.flow!.client.port, 40001);
      assert.equal(events[1]!.dns!.response!.answers[0]!.data, '192.0.2.1');
    });
  }
}

test('link types: IPv4 and IPv6 link types', async () => {
  for (const [link, client] of [[{ type: 'ipv4' }, '10.0.0.9'], [{ type: 'ipv6' }, '2001:db8::9']] as const) {
    const writer = new PcapWriter({ linkType: linkTypeOf(link) });
    writer.addDnsExchange({ timestampMs: 1000, client, name: 'raw.example', link });
    const { events } = await replayAll([files.write(writer.takeBytes())]);
    assert.equal(events.length, 2, link.type);
    assert.equal(events[0]!.flow!.client.ipaddr, client);
  }
});

test('link types: legacy DLT_RAW number 12', async () => {
  const writer = new PcapWriter({ linkType: 12 });
  writer.addDnsExchange({ timestampMs: 1000, client: '10.0.0.1', name: 'legacy.example', link: { type: 'raw' } });
  const { events } = await replayAll([files.write(writer.takeBytes())]);
  assert.equal(events.length, 2);
});

test('link types: unsupported type counted', async () => {
  const writer = new PcapWriter({ linkType: 105 });
  for (const { frame, timestampMs } of dnsExchangeFrames({ timestampMs: 1000, client: '10.0.0.1', name: 'wifi.example' })) writer.addPacket(frame, { timestampMs });
  const warnings: string[] = [];
  const logger = { error() {}, warn: (message: string) => warnings.push(message), info() {}, debug() {}, child() { return logger; } };
  const { events, summary } = await replayAll([files.write(writer.takeBytes())], { logger });
  assert.equal(events.length, 0);
  assert.deepEqual(summary.faults, { 'unsupported-link-type': 2 });
  assert.equal(summary.malformed, 0);
  assert.equal(warnings.length, 1);
});

test('link types: non-IP frames skipped quietly', async () => {
  const writer = new PcapWriter();
  const arp = Buffer.alloc(42);
  arp.writeUInt16BE(0x0806, 12);
  writer.addPacket(arp, { timestampMs: 1000 });
  writer.addDnsExchange({ timestampMs: 1001, client: '10.0.0.1', name: 'after-arp.example' });
  const { events, summary } = await replayAll([files.write(writer.takeBytes())]);
  assert.equal(summary.packets, 3);
  assert.equal(events.length, 2);
  assert.deepEqual(summary.faults, {});
});
