import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { PcapWriter, replayCaptures, eventToJsonLine } from '../src/index.js';
import { TempFiles, replayAll } from './helpers.js';

const files = new TempFiles();
after(() => files.cleanup());

function twoExchanges(format: 'pcap' | 'pcapng' = 'pcap', startMs = 1000): Buffer {
  const writer = new PcapWriter({ format });
  writer.addDnsExchange({ timestampMs: startMs, client: '10.0.0.1', name: 'one.example', answers: ['192.0.2.1'] });
  writer.addDnsExchange({ timestampMs: startMs + 10, client: '10.0.0.2', name: 'two.example', answers: ['192.0.2.2'] });
  return writer.takeBytes();
}

test('inputs: gzip detected by magic bytes', async () => {
  for (const format of ['pcap', 'pcapng'] as const) {
    const path = files.write(gzipSync(twoExchanges(format)), 'bin');
    const { events, summary } = await replayAll([path]);
    assert.equal(events.length, 4, format);
    assert.deepEqual(summary.faults, {});
  }
});

test('inputs: standard input', async () => {
  const stdin = Readable.from([twoExchanges().subarray(0, 30), twoExchanges().subarray(30)]);
  const { events, summary } = await replayAll(['-'], { stdin });
  assert.equal(events.length, 4);
  assert.equal(summary.files, 1);
});

test('inputs: gzip on standard input', async () => {
  const stdin = Readable.from([gzipSync(twoExchanges('pcapng'))]);
  const { events } = await replayAll(['-'], { stdin });
  assert.equal(events.length, 4);
});

test('inputs: truncated pcap counted', async () => {
  const bytes = twoExchanges();
  const { events, summary } = await replayAll([files.write(bytes.subarray(0, bytes.length - 7))]);
  assert.deepEqual(summary.faults, { 'truncated-file': 1 });
  assert.equal(summary.packets, 3);
  assert.equal(events.length, 3);
  assert.equal(summary.timeouts, 1);
});

test('inputs: truncated pcapng counted', async () => {
  const bytes = twoExchanges('pcapng');
  const { events, summary } = await replayAll([files.write(bytes.subarray(0, bytes.length - 3))]);
  assert.deepEqual(summary.faults, { 'truncated-file': 1 });
  assert.equal(events.length, 3);
});

test('inputs: truncated gzip counted', async () => {
  const zipped = gzipSync(Buffer.concat([twoExchanges(), Buffer.alloc(0)]));
  const { summary } = await replayAll([files.write(zipped.subarray(0, zipped.length - 12), 'gz')]);
  assert.deepEqual(summary.faults, { 'truncated-file': 1 });
});

test('inputs: corrupt gzip counted', async () => {
  const zipped = Buffer.from(gzipSync(twoExchanges()));
  zipped.fill(0x55, 20, 40);
  const { summary } = await replayAll([files.write(zipped, 'gz')]);
  assert.deepEqual(summary.faults, { 'bad-gzip': 1 });
});

test('inputs: impossible record length stops file', async () => {
  const bytes = Buffer.from(twoExchanges());
  const firstRecord = 24;
  const secondRecord = firstRecord + 16 + bytes.readUInt32LE(firstRecord + 8);
  bytes.writeUInt32LE(0x7fffffff, secondRecord + 8);
  const { events, summary } = await replayAll([files.write(bytes)]);
  assert.deepEqual(summary.faults, { 'bad-capture-block': 1 });
  assert.equal(events.length, 1);
});

test('inputs: bad pcapng block length', async () => {
  const bytes = Buffer.from(twoExchanges('pcapng'));
  bytes.writeUInt32LE(13, 28 + 4);
  const { events, summary } = await replayAll([files.write(bytes)]);
  assert.deepEqual(summary.faults, { 'bad-capture-block': 1 });
  assert.equal(events.length, 0);
});

test('inputs: several files merged by time', async () => {
  const early = files.write(twoExchanges('pcap', 1000));
  const late = files.write(twoExchanges('pcapng', 1005));
  const { events, summary } = await replayAll([late, early]);
  assert.equal(summary.files, 2);
  assert.deepEqual(events.map((event) => event.timestampMs), [1000, 1001, 1005, 1006, 1010, 1011, 1015, 1016]);
  assert.equal(summary.paired, 4);
  assert.equal(summary.firstTimestampMs, 1000);
  assert.equal(summary.lastTimestampMs, 1016);
});

test('inputs: JSON lines merged with pcap', async () => {
  const handWritten = [
    '{"name":"DNS_REQUEST","timestampMs":1003,"flow":{"client":{"ipaddr":"10.9.9.9","port":5000},"server":{"ipaddr":"192.0.2.53"}},"dns":{"qname":"hand.example"}}',
    '',
    '{"name":"DNS_RESPONSE","timestampMs":1004,"flow":{"client":{"ipaddr":"10.9.9.9","port":5000},"server":{"ipaddr":"192.0.2.53"}},"dns":{"qname":"hand.example","response":{"processingTime":1,"answers":[{"type":"A","data":"192.0.2.77"}]}}}',
  ].join('\n');
  const { events, summary } = await replayAll([files.write(twoExchanges()), files.write(handWritten, 'jsonl')]);
  assert.deepEqual(events.map((event) => event.dns!.qname), ['one.example', 'one.example', 'hand.example', 'hand.example', 'two.example', 'two.example']);
  assert.equal(summary.requests, 3);
  assert.equal(summary.responses, 3);
  assert.equal(summary.paired, 3);
  assert.equal(events[3]!.dns!.response!.answers[0]!.data, '192.0.2.77');
});

test('inputs: invalid JSON lines counted', async () => {
  const lines = ['{"name":"DNS_REQUEST"', '{"name":"TIMER_30SEC","timestampMs":1}', '{"name":"DNS_REQUEST","timestampMs":5,"flow":{"client":{"ipaddr":"10.0.0.1"},"server":{"ipaddr":"10.0.0.2"}},"dns":{"qname":"ok.example"}}'];
  const warnings: Array<{ message: string; detail: unknown }> = [];
  const logger = { error() {}, warn: (message: string, fields?: Record<string, unknown>) => warnings.push({ message, detail: fields?.['detail'] }), info() {}, debug() {}, child() { return logger; } };
  const path = files.write(lines.join('\r\n'), 'jsonl');
  const { events, summary } = await replayAll([path], { logger });
  assert.deepEqual(summary.faults, { 'jsonl-invalid-line': 2 });
  assert.equal(events.length, 1);
  assert.match(String(warnings[1]!.detail), /:2: "name" must be "DNS_REQUEST" or "DNS_RESPONSE"/);
});

test('inputs: batches capped by batchSize', async () => {
  const writer = new PcapWriter();
  for (let i = 0; i < 50; i++) writer.addDnsExchange({ timestampMs: 1000 + i, client: '10.0.0.1', name: `n${i}.example`, id: i });
  const { events, batches } = await replayAll([files.write(writer.takeBytes())], { batchSize: 7 });
  assert.equal(events.length, 100);
  assert.equal(batches, Math.ceil(100 / 7));
});

test('inputs: empty file yields nothing', async () => {
  const { events, summary } = await replayAll([files.write('', 'pcap')]);
  assert.equal(events.length, 0);
  assert.equal(summary.files, 1);
});

test('inputs: unknown format rejected', async () => {
  const path = files.write('this is not a capture\n', 'txt');
  await assert.rejects(replayAll([path]), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'TB_ERR_REPLAY_UNKNOWN_FORMAT');
    assert.match(error.message, /starts with bytes 7468697320697320/);
    return true;
  });
});

test('inputs: missing file rejected', async () => {
  await assert.rejects(replayAll([join(files.dir, 'missing.pcap')]), { code: 'TB_ERR_REPLAY_FILE_UNREADABLE' });
});

test('inputs: invalid options rejected', () => {
  assert.throws(() => replayCaptures({ files: [] }), { code: 'TB_ERR_REPLAY_NO_INPUT' });
  assert.throws(() => replayCaptures({ files: ['-', '-'] }), { code: 'TB_ERR_REPLAY_STDIN_TWICE' });
  assert.throws(() => replayCaptures({ files: ['a.pcap'], pairingTimeoutMs: -1 }), { code: 'TB_ERR_REPLAY_INVALID_OPTION' });
  assert.throws(() => replayCaptures({ files: ['a.pcap'], batchSize: 0 }), { code: 'TB_ERR_REPLAY_INVALID_OPTION' });
});

test('inputs: session iterated once', async () => {
  const session = replayCaptures({ files: [files.write(twoExchanges())] });
  for await (const batch of session) assert.ok(batch.length > 0);
  assert.throws(() => session[Symbol.asyncIterator](), { code: 'TB_ERR_REPLAY_SESSION_REUSED' });
});

test('inputs: early break closes files', async () => {
  const writer = new PcapWriter();
  for (let i = 0; i < 100; i++) writer.addDnsExchange({ timestampMs: 1000 + i, client: '10.0.0.1', name: `n${i}.example`, id: i });
  const session = replayCaptures({ files: [files.write(writer.takeBytes())], batchSize: 10 });
  let seen = 0;
  for await (const batch of session) {
    seen += batch.length;
    break;
  }
  assert.equal(seen, 10);
  assert.ok(session.summary().packets < 200);
});

test('inputs: JSON line written back', async () => {
  const { events } = await replayAll([files.write(twoExchanges())]);
  const line = eventToJsonLine(events[0]!);
  const { events: again } = await replayAll([files.write(line + '\n', 'jsonl')]);
  assert.deepEqual(again[0], events[0]);
});
