import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PcapWriter, dnsExchangeFrames, linkTypeOf, type PcapWriterOptions } from '../src/index.js';
import { TempFiles, replayAll } from './helpers.js';

const files = new TempFiles();
after(() => files.cleanup());

const queryMs = 1_700_000_000_123.456;

function oneExchange(options: PcapWriterOptions, addOptions: { interfaceId?: number; block?: 'enhanced' | 'simple' | 'obsolete' } = {}): Buffer {
  const writer = new PcapWriter(options);
  writer.addFrames(dnsExchangeFrames({ timestampMs: queryMs, client: '10.0.0.1', name: 'format.example', responseDelayMs: 2.5 }), addOptions);
  return writer.takeBytes();
}

for (const byteOrder of ['little', 'big'] as const) {
  for (const timestampResolution of ['us', 'ns'] as const) {
    test(`capture formats: pcap ${byteOrder}-endian ${timestampResolution}`, async () => {
      const bytes = oneExchange({ format: 'pcap', byteOrder, timestampResolution });
      const magic = byteOrder === 'little' ? bytes.readUInt32LE(0) : bytes.readUInt32BE(0);
      assert.equal(magic, timestampResolution === 'ns' ? 0xa1b23c4d : 0xa1b2c3d4);

      const { events } = await replayAll([files.write(bytes)]);
      assert.equal(events.length, 2);
      assert.ok(Math.abs(events[0]!.timestampMs - queryMs) < 0.001);
      assert.ok(Math.abs(events[1]!.dns!.response!.processingTime - 2.5) < 0.001);
    });
  }
}

test('capture formats: pcap nanosecond precision', async () => {
  const writer = new PcapWriter({ timestampResolution: 'ns' });
  const [query] = dnsExchangeFrames({ timestampMs: 0, client: '10.0.0.1', name: 'ns.example' });
  writer.addPacket(query!.frame, { timestampNs: 1_000_000_123_456_789n });
  const { events } = await replayAll([files.write(writer.takeBytes())]);
  assert.equal(events[0]!.timestampMs, 1_000_000_123.456789);
});

for (const byteOrder of ['little', 'big'] as const) {
  for (const [resolution, label] of [[6, 'microseconds'], [9, 'nanoseconds'], [3, 'milliseconds'], [0x80 | 20, 'units of 2^-20 s']] as const) {
    test(`capture formats: pcapng ${byteOrder}-endian ${label}`, async () => {
      const bytes = oneExchange({ format: 'pcapng', byteOrder, interfaces: [{ timestampResolution: resolution }] });
      const { events } = await replayAll([files.write(bytes)]);
      assert.equal(events.length, 2);
      const unitMs = resolution & 0x80 ? 1000 / 2 ** (resolution & 0x7f) : 1000 / 10 ** resolution;
      assert.ok(Math.abs(events[0]!.timestampMs - queryMs) <= unitMs, `first timestamp ${events[0]!.timestampMs}`);
      assert.ok(Math.abs(events[1]!.dns!.response!.processingTime - 2.5) <= 2 * unitMs);
    });
  }
}

test('capture formats: pcapng several interfaces', async () => {
  const writer = new PcapWriter({
    format: 'pcapng',
    interfaces: [
      { linkType: linkTypeOf({ type: 'ethernet' }), timestampResolution: 9 },
      { linkType: linkTypeOf({ type: 'linux-sll' }), timestampResolution: 6, timestampOffsetSeconds: 100 },
      { linkType: linkTypeOf({ type: 'raw' }), timestampResolution: 3 },
    ],
  });
  writer.addFrames(dnsExchangeFrames({ timestampMs: 500_000.000001, client: '10.0.0.1', name: 'eth.example' }), { interfaceId: 0 });
  writer.addFrames(dnsExchangeFrames({ timestampMs: 600_000.5, client: '10.0.0.2', name: 'sll.example', link: { type: 'linux-sll' } }), { interfaceId: 1 });
  writer.addFrames(dnsExchangeFrames({ timestampMs: 700_000, client: '10.0.0.3', name: 'raw.example', link: { type: 'raw' }, responseDelayMs: 3 }), { interfaceId: 2 });
  const { events, summary } = await replayAll([files.write(writer.takeBytes())]);

  assert.equal(summary.paired, 3);
  assert.deepEqual(events.map((event) => event.dns!.qname), ['eth.example', 'eth.example', 'sll.example', 'sll.example', 'raw.example', 'raw.example']);
  assert.ok(Math.abs(events[0]!.timestampMs - 500_000.000001) < 1e-6);
  assert.ok(Math.abs(events[2]!.timestampMs - 600_000.5) < 1e-6);
  assert.equal(events[4]!.timestampMs, 700_000);
});

test('capture formats: pcapng simple and obsolete blocks', async () => {
  const writer = new PcapWriter({ format: 'pcapng' });
  const frames = dnsExchangeFrames({ timestampMs: 9000, client: '10.0.0.1', name: 'blocks.example' });
  writer.addPacket(frames[0]!.frame, { timestampMs: 9000, block: 'obsolete' });
  writer.addPacket(frames[1]!.frame, { block: 'simple' });
  const { events, summary } = await replayAll([files.write(writer.takeBytes())]);
  assert.equal(events.length, 2);
  // A simple packet block has no timestamp, so it takes the previous packet's time.
  assert.equal(events[1]!.timestampMs, 9000);
  assert.equal(summary.paired, 1);
});

test('capture formats: pcapng new section resets interfaces', async () => {
  const writer = new PcapWriter({ format: 'pcapng', interfaces: [{ timestampResolution: 9 }] });
  writer.addDnsExchange({ timestampMs: 1000, client: '10.0.0.1', name: 'one.example' });
  writer.startSection();
  writer.addDnsExchange({ timestampMs: 2000, client: '10.0.0.1', name: 'two.example' });
  const { events, summary } = await replayAll([files.write(writer.takeBytes())]);
  assert.equal(summary.packets, 4);
  assert.deepEqual(events.map((event) => event.timestampMs), [1000, 1001, 2000, 2001]);
});

test('capture formats: tshark reads the writer output', (context) => {
  const probe = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    if (process.env['CI'] === 'true') throw new Error(`tshark is needed on CI: ${probe.error.message}`);
    context.skip('tshark is not installed');
    return;
  }
  for (const format of ['pcap', 'pcapng'] as const) {
    const writer = new PcapWriter({ format, linkType: linkTypeOf({ type: 'linux-sll2' }) });
    writer.addDnsExchange({ timestampMs: queryMs, client: '10.1.2.3:40001', name: 'a\\004b.example', answers: ['192.0.2.1'], link: { type: 'linux-sll2' } });
    writer.addDnsExchange({ timestampMs: queryMs + 5, client: '[2001:db8::1]:40002', name: 'v6.example', type: 'AAAA', answers: ['2001:db8::99'], link: { type: 'linux-sll2' }, transport: 'TCP' });
    const path = files.write(writer.takeBytes(), format);
    const result = spawnSync('tshark', ['-n', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-r', path, '-T', 'fields', '-e', 'dns.qry.name', '-e', 'dns.a', '-e', 'dns.aaaa', '-e', 'udp.checksum.status', '-e', 'tcp.checksum.status'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trim().split('\n').map((line) => line.split('\t'));
    assert.deepEqual(lines, [
      ['a\\004b.example', '', '', '1', ''],
      ['a\\004b.example', '192.0.2.1', '', '1', ''],
      ['v6.example', '', '', '', '1'],
      ['v6.example', '', '2001:db8::99', '', '1'],
    ]);
  }
});
