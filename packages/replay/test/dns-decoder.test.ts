import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { PcapWriter, buildDnsMessage, buildDnsQuery, buildDnsResponse, buildUdpPacket, type DnsMessageSpec } from '../src/index.js';
import { TempFiles, replayAll } from './helpers.js';

const files = new TempFiles();
after(() => files.cleanup());

const client = { ip: '10.0.0.1', port: 40000 };
const server = { ip: '192.0.2.53', port: 53 };

/** Replays DNS messages sent client to server (or back for responses), one packet each. */
async function replayMessages(messages: Uint8Array[]): Promise<Awaited<ReturnType<typeof replayAll>>> {
  const writer = new PcapWriter();
  messages.forEach((message, index) => {
    const isResponse = message.length >= 3 && (message[2]! & 0x80) !== 0;
    const frame = isResponse ? buildUdpPacket(server, client, message) : buildUdpPacket(client, server, message);
    writer.addPacket(frame, { timestampMs: 1000 + index });
  });
  return replayAll([files.write(writer.takeBytes())]);
}

async function decodeOne(spec: DnsMessageSpec) {
  const { events, summary } = await replayMessages([buildDnsMessage(spec)]);
  assert.deepEqual(summary.faults, {});
  return events[0]!;
}

/** Builds a query whose question name is `nameBytes`, written as given (no terminator added). */
function queryWithName(nameBytes: number[], tail: number[] = []): Buffer {
  return Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...nameBytes, ...tail]);
}

test('dns decoder: broken names classified', async () => {
  const cases: Array<[string, Buffer]> = [
    ['label-overrun', queryWithName([5, 0x61, 0x62])],
    ['label-overrun', queryWithName([3, 0x61, 0x62, 0x63])],
    ['name-loop', queryWithName([0xc0, 12], [0, 1, 0, 1])],
    ['name-loop', queryWithName([1, 0x61, 0xc0, 12], [0, 1, 0, 1])],
    ['bad-pointer', queryWithName([0xc0, 200], [0, 1, 0, 1])],
    ['bad-label-type', queryWithName([0x41, 0x61, 0], [0, 1, 0, 1])],
    ['bad-label-type', queryWithName([0x80, 0x61, 0], [0, 1, 0, 1])],
    ['name-too-long', queryWithName([...Array.from({ length: 5 }, () => [60, ...Array<number>(60).fill(0x61)]).flat(), 0], [0, 1, 0, 1])],
    ['truncated-record', queryWithName([1, 0x61, 0], [0, 1])],
    ['short-header', Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0])],
  ];
  for (const [fault, message] of cases) {
    const { events, summary } = await replayMessages([message]);
    assert.deepEqual(summary.faults, { [fault]: 1 }, `expected ${fault} for ${message.toString('hex')}`);
    assert.equal(events.length, 0);
    assert.equal(summary.malformed, 1);
    assert.equal(summary.dnsMessages, 0);
  }
});

test('dns decoder: record data lengths checked', async () => {
  const answer = (type: string, data: Uint8Array) => buildDnsResponse({ id: 1, name: 'bad.example', type, answers: [{ type, data }] });
  const cases: Array<[string, Buffer]> = [
    ['A with 3 bytes', answer('A', Uint8Array.from([1, 2, 3]))],
    ['AAAA with 4 bytes', answer('AAAA', Uint8Array.from([1, 2, 3, 4]))],
    ['CNAME with a byte after the name', answer('CNAME', Uint8Array.from([1, 0x61, 0, 0x99]))],
    ['NS name past the record end', answer('NS', Uint8Array.from([5, 0x61]))],
    ['MX with 2 bytes', answer('MX', Uint8Array.from([0, 10]))],
    ['SRV without a target', answer('SRV', Uint8Array.from([0, 1, 0, 1, 0, 53]))],
    ['SOA without counters', answer('SOA', Uint8Array.from([0, 0, 0, 0, 0]))],
    ['TXT string past the end', answer('TXT', Uint8Array.from([9, 0x61]))],
    ['empty TXT', answer('TXT', new Uint8Array(0))],
  ];
  for (const [label, message] of cases) {
    const { summary } = await replayMessages([message]);
    assert.deepEqual(summary.faults, { 'bad-rdata-length': 1 }, label);
  }
});

test('dns decoder: cut sections never half decoded', async () => {
  const full = buildDnsResponse({ id: 2, name: 'cut.example', answers: ['192.0.2.1', '192.0.2.2'], authorities: [{ name: 'example', type: 'NS', data: 'ns1.example' }] });
  for (let length = 29 + 1; length < full.length; length++) {
    const { events, summary } = await replayMessages([full.subarray(0, length)]);
    assert.equal(events.length, 0, `length ${length}`);
    assert.equal(summary.malformed, 1, `length ${length}`);
    const [fault] = Object.keys(summary.faults);
    assert.ok(fault === 'truncated-record' || fault === 'label-overrun', `length ${length}: ${fault}`);
  }
});

test('dns decoder: answer data per type', async () => {
  const event = await decodeOne({
    id: 3,
    response: true,
    recursionAvailable: true,
    questions: [{ name: 'www.example', type: 'ANY' }],
    answers: [
      { type: 'A', data: '192.0.2.1' },
      { type: 'AAAA', data: '2001:db8:0:0:1:0:0:1' },
      { type: 'AAAA', data: '::ffff:192.0.2.9' },
      { type: 'CNAME', data: 'Edge.Example' },
      { type: 'NS', data: 'ns1.example' },
      { type: 'PTR', data: 'host.example' },
      { type: 'MX', data: 'mx.example', preference: 5 },
      { type: 'SRV', data: 'sip.example', priority: 1, weight: 2, port: 5060 },
      { type: 'SOA', data: 'ns1.example', soa: { serial: 7 } },
      { type: 'TXT', data: ['v=spf1 ', 'include:example ', 'é'] },
      { type: 'CAA', data: Uint8Array.from([0, 5, 0x69, 0x73, 0x73, 0x75, 0x65]) },
      { type: 41, data: new Uint8Array(0) },
      { type: 'A', data: new Uint8Array(0), class: 254 },
    ],
  });
  const answers = event.dns!.response!.answers;
  assert.deepEqual(answers.map((answer) => answer.data), [
    '192.0.2.1',
    '2001:db8::1:0:0:1',
    '::ffff:192.0.2.9',
    'Edge.Example',
    'ns1.example',
    'host.example',
    'mx.example',
    'sip.example',
    'ns1.example',
    'v=spf1 include:example é',
    null,
    null,
    null,
  ]);
  assert.deepEqual(answers.map((answer) => answer.type), ['A', 'AAAA', 'AAAA', 'CNAME', 'NS', 'PTR', 'MX', 'SRV', 'SOA', 'TXT', 'CAA', 'OPT', 'A']);
  assert.ok(answers.every((answer) => answer.name === 'www.example' && answer.ttl === 300));
});

test('dns decoder: names escaped and cased', async () => {
  const event = await decodeOne({
    questions: [{ name: 'MiXeD.a\\.b\\\\c.\\000\\032\\127\\255x.Example' }],
  });
  assert.equal(event.dns!.qname, 'MiXeD.a\\.b\\\\c.\\000\\032\\127\\255x.Example');
  const root = await decodeOne({ questions: [{ name: '', type: 'NS' }] });
  assert.equal(root.dns!.qname, '');
  assert.equal(root.dns!.qtype, 'NS');
});

test('dns decoder: compression pointers followed', async () => {
  const event = await decodeOne({
    response: true,
    questions: [{ name: 'www.example.com' }],
    answers: [
      { type: 'CNAME', data: 'cdn.example.com' },
      { name: 'cdn.example.com', type: 'CNAME', data: 'edge.cdn.example.com' },
      { name: 'edge.cdn.example.com', type: 'A', data: '192.0.2.4' },
    ],
  });
  assert.deepEqual(event.dns!.response!.answers.map((answer) => [answer.name, answer.data]), [
    ['www.example.com', 'cdn.example.com'],
    ['cdn.example.com', 'edge.cdn.example.com'],
    ['edge.cdn.example.com', '192.0.2.4'],
  ]);
});

test('dns decoder: header flags and names', async () => {
  const event = await decodeOne({
    id: 0xbeef,
    response: true,
    opcode: 'NOTIFY',
    authoritative: true,
    truncated: true,
    recursionDesired: false,
    recursionAvailable: true,
    authenticData: true,
    checkingDisabled: true,
    rcode: 'REFUSED',
    questions: [{ name: 'zone.example', type: 'SOA' }],
  });
  const dns = event.dns!;
  assert.equal(dns.txId, 0xbeef);
  assert.equal(dns.opcode, 'NOTIFY');
  assert.equal(dns.opcodeNum, 4);
  assert.equal(dns.isRecursionDesired, false);
  assert.equal(dns.isCheckingDisabled, true);
  assert.equal(dns.response!.isAuthoritative, true);
  assert.equal(dns.response!.isRspTruncated, true);
  assert.equal(dns.response!.isRecursionAvailable, true);
  assert.equal(dns.response!.isAuthenticData, true);
  assert.equal(dns.response!.error, 'REFUSED');
  assert.equal(dns.response!.errorNum, 5);
});

test('dns decoder: unassigned codes named OTHER', async () => {
  const event = await decodeOne({ response: true, opcode: 9, rcode: 13, questions: [{ name: 'x.example', type: 65280 }] });
  assert.equal(event.dns!.opcode, 'OTHER');
  assert.equal(event.dns!.opcodeNum, 9);
  assert.equal(event.dns!.response!.error, 'OTHER');
  assert.equal(event.dns!.response!.errorNum, 13);
  assert.equal(event.dns!.qtype, 'OTHER');
  assert.equal(event.dns!.qtypeNum, 65280);
});

test('dns decoder: extended rcode from OPT', async () => {
  const event = await decodeOne({ response: true, rcode: 'BADCOOKIE', edns: {}, questions: [{ name: 'cookie.example' }] });
  assert.equal(event.dns!.response!.errorNum, 23);
  assert.equal(event.dns!.response!.error, 'BADCOOKIE');
  const noError = await decodeOne({ response: true, edns: { udpPayloadSize: 4096 }, questions: [{ name: 'fine.example' }] });
  assert.equal(noError.dns!.response!.error, null);
  assert.equal(noError.dns!.response!.errorNum, 0);
});

test('dns decoder: request has no response', async () => {
  const { events } = await replayMessages([buildDnsQuery({ id: 4, name: 'req.example', type: 'MX', checkingDisabled: true })]);
  const dns = events[0]!.dns!;
  assert.equal(events[0]!.name, 'DNS_REQUEST');
  assert.equal(dns.response, null);
  assert.equal(dns.qtype, 'MX');
  assert.equal(dns.qtypeNum, 15);
  assert.equal(dns.isRecursionDesired, true);
  assert.equal(dns.isCheckingDisabled, true);
  assert.equal(dns.reqBytes, buildDnsQuery({ id: 4, name: 'req.example', type: 'MX' }).length);
  assert.equal(dns.reqPkts, 1);
  assert.equal(dns.reqL2Bytes, 14 + 20 + 8 + dns.reqBytes);
});

test('dns decoder: trailing bytes tolerated', async () => {
  const message = Buffer.concat([buildDnsQuery({ id: 5, name: 'pad.example' }), Buffer.alloc(9)]);
  const { events, summary } = await replayMessages([message]);
  assert.deepEqual(summary.faults, {});
  assert.equal(events[0]!.dns!.qname, 'pad.example');
});
