import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dnsPacket from 'dns-packet';
import { buildDnsMessage, buildDnsQuery, buildDnsResponse, encodeDnsName } from '../src/index.js';

test('dns builder: dns-packet reads the output', () => {
  const message = buildDnsMessage({
    id: 4242,
    response: true,
    authoritative: true,
    rcode: 'NXDOMAIN',
    questions: [{ name: 'www.example.com', type: 'A' }],
    answers: [
      { type: 'CNAME', data: 'edge.example.net' },
      { name: 'edge.example.net', type: 'A', ttl: 60, data: '192.0.2.7' },
      { name: 'edge.example.net', type: 'AAAA', data: '2001:db8::7' },
      { type: 'MX', data: 'mx.example.com', preference: 20 },
      { type: 'TXT', data: ['hello', 'world'] },
      { type: 'SRV', data: 'sip.example.com', priority: 1, weight: 5, port: 5060 },
    ],
    authorities: [{ name: 'example.com', type: 'SOA', data: 'ns1.example.com', soa: { serial: 2024010101, minimum: 300 } }],
    edns: { udpPayloadSize: 1232 },
  });
  const decoded = dnsPacket.decode(message);

  assert.equal(decoded.id, 4242);
  assert.equal(decoded.type, 'response');
  assert.equal((decoded as { rcode?: string }).rcode, 'NXDOMAIN');
  assert.equal(decoded.flag_aa, true);
  assert.deepEqual(decoded.questions, [{ name: 'www.example.com', type: 'A', class: 'IN' }]);
  const answers = decoded.answers!;
  assert.deepEqual(answers.map((answer) => [answer.name, answer.type]), [
    ['www.example.com', 'CNAME'],
    ['edge.example.net', 'A'],
    ['edge.example.net', 'AAAA'],
    ['www.example.com', 'MX'],
    ['www.example.com', 'TXT'],
    ['www.example.com', 'SRV'],
  ]);
  assert.equal((answers[0] as { data: string }).data, 'edge.example.net');
  assert.equal((answers[1] as { data: string; ttl: number }).data, '192.0.2.7');
  assert.equal((answers[1] as { ttl: number }).ttl, 60);
  assert.equal((answers[2] as { data: string }).data, '2001:db8::7');
  assert.deepEqual((answers[3] as { data: unknown }).data, { preference: 20, exchange: 'mx.example.com' });
  assert.deepEqual((answers[4] as { data: Buffer[] }).data.map((part) => part.toString()), ['hello', 'world']);
  assert.deepEqual((answers[5] as { data: unknown }).data, { priority: 1, weight: 5, port: 5060, target: 'sip.example.com' });
  const soa = decoded.authorities![0] as { data: { mname: string; serial: number; minimum: number } };
  assert.equal(soa.data.mname, 'ns1.example.com');
  assert.equal(soa.data.serial, 2024010101);
  assert.equal(soa.data.minimum, 300);
  assert.equal(decoded.additionals![0]!.type, 'OPT');
});

test('dns builder: names compressed', () => {
  const compressed = buildDnsResponse({ id: 1, name: 'www.example.com', answers: ['192.0.2.1', '192.0.2.2'] });
  const plain = buildDnsMessage({ compress: false, response: true, questions: [{ name: 'www.example.com' }], answers: [{ type: 'A', data: '192.0.2.1' }, { type: 'A', data: '192.0.2.2' }] });
  assert.equal(plain.length - compressed.length, 2 * (17 - 2));
  assert.equal(compressed.readUInt16BE(12 + 17 + 4), 0xc00c);
});

test('dns builder: escaped names encoded', () => {
  const labels = encodeDnsName('a\\.b.c\\\\d.\\000\\255x.');
  assert.deepEqual(labels.map((label) => [...label]), [[0x61, 0x2e, 0x62], [0x63, 0x5c, 0x64], [0, 255, 0x78]]);
  assert.deepEqual(encodeDnsName('.'), []);
  assert.deepEqual(encodeDnsName(''), []);
});

test('dns builder: invalid specs rejected', () => {
  const invalid = { code: 'TB_ERR_REPLAY_INVALID_PACKET_SPEC' };
  assert.throws(() => encodeDnsName('a..b'), invalid);
  assert.throws(() => encodeDnsName('x'.repeat(64)), invalid);
  assert.throws(() => encodeDnsName(Array(130).fill('a').join('.')), invalid);
  assert.throws(() => encodeDnsName('trailing\\'), invalid);
  assert.throws(() => buildDnsQuery({ name: 'x.example', type: 'NOPE' }), invalid);
  assert.throws(() => buildDnsQuery({ id: 70000, name: 'x.example' }), invalid);
  assert.throws(() => buildDnsResponse({ name: 'x.example', answers: ['not-an-address'] }), invalid);
  assert.throws(() => buildDnsResponse({ name: 'x.example', rcode: 'BADCOOKIE' }), invalid);
  assert.throws(() => buildDnsMessage({ questions: [{ name: 'x.example' }], answers: [{ type: 'CAA', data: 'text' }] }), invalid);
});
