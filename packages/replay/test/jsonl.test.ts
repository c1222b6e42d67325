import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { PcapWriter, exportCaptureToJsonl, readEventsJsonl, writeEventsJsonl } from '../src/index.js';
import { TempFiles, replayAll } from './helpers.js';

const files = new TempFiles();
after(() => files.cleanup());

function sampleCapture(): string {
  const writer = new PcapWriter();
  writer.addDnsExchange({ timestampMs: 1_700_000_000_000.25, client: '10.0.0.1:40000', name: 'a.example', answers: ['192.0.2.1', '192.0.2.2'] });
  writer.addDnsExchange({ timestampMs: 1_700_000_000_010, client: '[2001:db8::1]:40001', name: 'b.example', type: 'AAAA', rcode: 'NXDOMAIN', transport: 'TCP' });
  writer.addDnsExchange({ timestampMs: 1_700_000_000_020, client: '10.0.0.2', name: 'c.example', unanswered: true });
  return files.write(writer.takeBytes());
}

async function collect(run: (output: PassThrough) => Promise<unknown>): Promise<string> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  await run(output);
  output.end();
  return Buffer.concat(chunks).toString('utf8');
}

test('jsonl: export replays identically', async () => {
  const capture = sampleCapture();
  const direct = await replayAll([capture]);
  let exportSummary: Awaited<ReturnType<typeof exportCaptureToJsonl>> | undefined;
  const text = await collect(async (output) => {
    exportSummary = await exportCaptureToJsonl({ files: [capture] }, output);
  });

  assert.equal(text.split('\n').filter(Boolean).length, 5);
  assert.equal(exportSummary!.requests, 3);
  const { events, invalidLines } = readEventsJsonl(text);
  assert.deepEqual(invalidLines, []);
  assert.deepEqual(events, direct.events);
  const replayed = await replayAll([files.write(text, 'jsonl')]);
  assert.deepEqual(replayed.events, direct.events);
  assert.equal(replayed.summary.paired, 2);
  assert.equal(replayed.summary.requests, 3);
});

test('jsonl: NaN written as null', async () => {
  const writer = new PcapWriter();
  writer.addDnsExchange({ timestampMs: 1000, client: '10.0.0.1', name: 'late.example', responseDelayMs: 9000 });
  const { events } = await replayAll([files.write(writer.takeBytes())]);
  const text = await collect((output) => writeEventsJsonl([events], output));
  const response = JSON.parse(text.trim().split('\n')[1]!);
  assert.equal(response.dns.response.processingTime, null);
  assert.ok(Number.isNaN(readEventsJsonl(text).events[1]!.dns!.response!.processingTime));
});

test('jsonl: hand-written defaults filled', () => {
  const text = [
    '{"name":"DNS_REQUEST","time":"2024-05-01T12:00:00.250Z","flow":{"client":{"ipaddr":"10.0.0.1"},"server":{"ipaddr":"8.8.8.8"}},"dns":{"qname":"Hand.Example"}}',
    '{"name":"DNS_RESPONSE","timestampMs":1714564800300,"flow":{"client":{"ipaddr":"2001:db8::1","port":5555},"server":{"ipaddr":"2001:db8::53"},"ipproto":"TCP"},"dns":{"qname":"hand.example","qtype":"aaaa","response":{"error":"NXDOMAIN","answers":[{"type":"SOA","data":"ns.example"}]}}}',
  ].join('\n');
  const { events, invalidLines } = readEventsJsonl(text);
  assert.deepEqual(invalidLines, []);

  const [request, response] = events;
  assert.equal(request!.timestampMs, Date.UTC(2024, 4, 1, 12, 0, 0, 250));
  assert.deepEqual(request!.flow, {
    id: 'UDP 10.0.0.1:0 > 8.8.8.8:53',
    client: { ipaddr: '10.0.0.1', port: 0 },
    server: { ipaddr: '8.8.8.8', port: 53 },
    ipproto: 'UDP',
    ipver: 'IPv4',
    l7proto: 'DNS',
  });
  assert.deepEqual(request!.dns, {
    qname: 'Hand.Example',
    qtype: 'A',
    qtypeNum: 1,
    opcode: 'QUERY',
    opcodeNum: 0,
    txId: 0,
    isRecursionDesired: false,
    isCheckingDisabled: false,
    reqBytes: 0,
    reqL2Bytes: 0,
    reqPkts: 0,
    response: null,
  });

  assert.equal(response!.flow!.id, 'TCP [2001:db8::1]:5555 > [2001:db8::53]:53');
  assert.equal(response!.dns!.qtype, 'AAAA');
  assert.equal(response!.dns!.qtypeNum, 28);
  assert.equal(response!.dns!.response!.error, 'NXDOMAIN');
  assert.equal(response!.dns!.response!.errorNum, 3);
  assert.ok(Number.isNaN(response!.dns!.response!.processingTime));
  assert.deepEqual(response!.dns!.response!.answers, [{ name: 'hand.example', ttl: 0, type: 'SOA', typeNum: 6, data: 'ns.example' }]);
});

test('jsonl: invalid lines explained', () => {
  const base = { name: 'DNS_REQUEST', timestampMs: 1, flow: { client: { ipaddr: '10.0.0.1' }, server: { ipaddr: '10.0.0.2' } }, dns: { qname: 'x.example' } };
  const cases: Array<[unknown, RegExp]> = [
    [{ ...base, name: 'SESSION_EXPIRE' }, /"name" must be "DNS_REQUEST" or "DNS_RESPONSE"/],
    [{ ...base, timestampMs: 'soon' }, /"timestampMs" must be a finite number/],
    [{ ...base, timestampMs: undefined }, /needs "timestampMs"/],
    [{ ...base, flow: { client: { ipaddr: 'host' }, server: { ipaddr: '10.0.0.2' } } }, /"flow.client".ipaddr must be an IPv4 or IPv6 address/],
    [{ ...base, flow: { client: { ipaddr: '10.0.0.1' }, server: { ipaddr: '::1' } } }, /same IP version/],
    [{ ...base, flow: { ...base.flow, ipproto: 'SCTP' } }, /"flow.ipproto" must be "UDP" or "TCP"/],
    [{ ...base, dns: { qname: 5 } }, /"dns.qname" must be a string or null/],
    [{ ...base, dns: { qname: 'x', qtype: 'BOGUS' } }, /not a known record type/],
    [{ ...base, dns: { qname: 'x', txId: 70000 } }, /"dns.txId" must be an integer from 0 to 65535/],
    [{ ...base, dns: { qname: 'x', response: {} } }, /"dns.response" must be null or absent on a DNS_REQUEST/],
    [{ ...base, name: 'DNS_RESPONSE', dns: { qname: 'x', response: { error: 'OOPS' } } }, /"dns.response.error" must be a response-code name/],
    [{ ...base, name: 'DNS_RESPONSE', dns: { qname: 'x', response: { answers: [{ type: 'A', data: 7 }] } } }, /"dns.response.answers\[0\].data" must be a string or null/],
    [[1, 2], /the line must be a JSON object/],
  ];
  const text = cases.map(([value]) => JSON.stringify(value)).join('\n') + '\n{not json';
  const { events, invalidLines } = readEventsJsonl(text);
  assert.equal(events.length, 0);
  assert.equal(invalidLines.length, cases.length + 1);
  cases.forEach(([, pattern], index) => {
    assert.equal(invalidLines[index]!.line, index + 1);
    assert.match(invalidLines[index]!.reason, pattern);
  });
  assert.match(invalidLines[cases.length]!.reason, /^invalid JSON/);
});
