// Expected figures below come from tshark 4.0 run on each file, not from this package's output.
// The commands, run in the shared capture folder, are noted beside each figure:
//   packets:   capinfos -c FILE
//   requests:  tshark -r FILE -Y "dns.flags.response == 0" -T fields -e dns.id | tr , '\n' | grep -c .
//   responses: tshark -r FILE -Y "dns.flags.response == 1" -T fields -e dns.id | tr , '\n' | grep -c .
//   paired:    tshark -r FILE -Y "dns.response_to" -T fields -e dns.response_to | tr , '\n' | grep -c .
//   duplicate: tshark -r FILE -Y "dns.retransmit_response" | grep -c .
//   timeouts:  tshark -2 -r FILE -Y "dns.flags.response == 0 && !dns.response_in" | wc -l
// (tshark reassembles IPv4 fragments, splits TCP streams on the length prefix and pairs mDNS by
// id 0; Triggerbox does the first two and, by design, never pairs mDNS replies.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TriggerEvent } from '@triggerbox/core';
import { replayAll, requests, responses, sharedCaptureDir } from './helpers.js';

const shared = sharedCaptureDir();
const skip = shared.skip;
const capture = (name: string): string => join(shared.dir, name);

interface ExpectedCounts {
  packets: number;
  requests: number;
  responses: number;
  paired: number;
  unpairedResponses: number;
  duplicateResponses: number;
  timeouts: number;
  faults: Record<string, number>;
}

async function assertCounts(file: string, expected: ExpectedCounts): Promise<TriggerEvent[]> {
  const { events, summary } = await replayAll([capture(file)]);
  assert.equal(summary.files, 1);
  assert.equal(summary.packets, expected.packets, 'packets');
  assert.equal(summary.requests, expected.requests, 'requests');
  assert.equal(summary.responses, expected.responses, 'responses');
  assert.equal(summary.paired, expected.paired, 'paired');
  assert.equal(summary.unpairedResponses, expected.unpairedResponses, 'unpaired responses');
  assert.equal(summary.duplicateResponses, expected.duplicateResponses, 'duplicate responses');
  assert.equal(summary.timeouts, expected.timeouts, 'timeouts');
  assert.deepEqual(summary.faults, expected.faults, 'faults');
  const malformed = Object.values(expected.faults).reduce((sum, count) => sum + count, 0);
  assert.equal(summary.malformed, malformed, 'malformed');
  assert.equal(summary.dnsMessages, expected.requests + expected.responses, 'dnsMessages');
  assert.equal(requests(events).length, expected.requests, 'request events');
  assert.equal(responses(events).length, expected.responses, 'response events');
  return events;
}

test('shared captures: bulk A and PTR pairs', { skip }, async () => {
  // packets 133, q 41, r 41, response_to 41, no retransmit_response, every query answered.
  const events = await assertCounts('bulk_a_and_ptr_reverse_lookups.pcap', {
    packets: 133, requests: 41, responses: 41, paired: 41, unpairedResponses: 0, duplicateResponses: 0, timeouts: 0, faults: {},
  });
  // tshark -r FILE -Y "dns.qry.type == 12" -T fields -e dns.qry.name | sort | uniq -c: 34 messages.
  const ptr = events.filter((event) => event.dns?.qtype === 'PTR');
  assert.equal(ptr.length, 34);
  assert.ok(ptr.every((event) => event.dns?.qname === '206.218.58.216.in-addr.arpa'));
  // Frame 2 answers frame 1: dns.time 0.001989 s.
  const first = responses(events)[0]!;
  assert.ok(Math.abs(first.dns!.response!.processingTime - 1.989) < 0.001);
  assert.equal(first.flow!.client.ipaddr, '172.17.0.10');
  assert.equal(first.flow!.server.ipaddr, '8.8.8.8');
});

test('shared captures: CNAME chains and NXDOMAIN', { skip }, async () => {
  const events = await assertCounts('cname_chains_wildcard_name_nxdomain.pcap', {
    packets: 20, requests: 10, responses: 10, paired: 10, unpairedResponses: 0, duplicateResponses: 0, timeouts: 0, faults: {},
  });
  // Frame 12: *.teams.microsoft.com, dns.flags.rcode 3; frame 10: dns.count.answers 17.
  const wildcard = responses(events).find((event) => event.dns?.qname === '*.teams.microsoft.com')!;
  assert.equal(wildcard.dns!.response!.error, 'NXDOMAIN');
  assert.equal(wildcard.dns!.response!.errorNum, 3);
  const android = responses(events).find((event) => event.dns?.qname === 'android.clients.google.com')!;
  assert.equal(android.dns!.response!.answers.length, 17);
  // Frame 6: api.teams.skype.com CNAME teams-afd.trafficmanager.net first (tshark -V).
  const chain = responses(events).find((event) => event.dns?.qname === 'api.teams.skype.com')!;
  assert.equal(chain.dns!.response!.answers[0]!.type, 'CNAME');
  assert.equal(chain.dns!.response!.answers[0]!.data, 'teams-afd.trafficmanager.net');
});

test('shared captures: control bytes escaped', { skip }, async () => {
  const events = await assertCounts('control_bytes_in_labels.pcap', {
    packets: 2, requests: 1, responses: 1, paired: 1, unpairedResponses: 0, duplicateResponses: 0, timeouts: 0, faults: {},
  });
  // tshark -T fields -e dns.qry.name prints the same \DDD escapes.
  assert.equal(events[0]!.dns!.qname, 'www.allyourba\\004\\005\\006arebelongto.cn');
  assert.equal(events[1]!.dns!.qname, 'www.allyourbasesare\\001\\002\\003ongto.cn');
  assert.equal(events[1]!.dns!.response!.answers[0]!.data, '19.185.141.241');
  assert.equal(events[1]!.dns!.response!.answers[0]!.name, 'www.allyourbasesare\\001\\002\\003ongto.cn');
});

test('shared captures: dnscat tunnel names', { skip }, async () => {
  const events = await assertCounts('dnscat_tunnel_long_hex_labels.pcap', {
    packets: 300, requests: 150, responses: 150, paired: 150, unpairedResponses: 0, duplicateResponses: 0, timeouts: 0, faults: {},
  });
  // tshark -Y "dns.flags.response == 0" -T fields -e dns.qry.type | sort | uniq -c: 52 of 15 (MX), 47 of 5 (CNAME), 51 of 16 (TXT).
  const types = new Map<string, number>();
  for (const event of requests(events)) types.set(event.dns!.qtype!, (types.get(event.dns!.qtype!) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(types), { MX: 52, CNAME: 47, TXT: 51 });
  assert.ok(requests(events).every((event) => event.dns!.qname!.startsWith('dnscat.')));
});

test('shared captures: duplicate response unpaired', { skip }, async () => {
  // q 1, r 2, response_to 1, retransmit_response 1.
  const events = await assertCounts('duplicate_response_cname_chain.pcap', {
    packets: 3, requests: 1, responses: 2, paired: 1, unpairedResponses: 0, duplicateResponses: 1, timeouts: 0, faults: {},
  });
  const [first, second] = responses(events);
  // Frame 2 dns.time 0.000214 s; frame 3 is the retransmitted response.
  assert.ok(Math.abs(first!.dns!.response!.processingTime - 0.214) < 0.001);
  assert.ok(Number.isNaN(second!.dns!.response!.processingTime));
  assert.equal(second!.dns!.reqBytes, 0);
  assert.deepEqual(first!.dns!.response!.answers.map((answer) => answer.name), second!.dns!.response!.answers.map((answer) => answer.name));
  // dns.resp.name: www.cmu.edu (CNAME), www.cmu.edu (RRSIG), WWW-CMU.ANDREW.cmu.edu, WWW-CMU-2.ANDREW.cmu.edu.
  assert.deepEqual(first!.dns!.response!.answers.map((answer) => answer.name), ['www.cmu.edu', 'www.cmu.edu', 'WWW-CMU.ANDREW.cmu.edu', 'WWW-CMU-2.ANDREW.cmu.edu']);
  assert.deepEqual(first!.dns!.response!.answers.map((answer) => answer.type), ['CNAME', 'RRSIG', 'CNAME', 'A']);
  assert.equal(first!.dns!.response!.answers[1]!.data, null);
});

test('shared captures: EDNS, fragments and TCP fallback', { skip }, async () => {
  // packets 89, q 20, r 65 (with IPv4 reassembly), response_to 15, 5 queries without response_in
  // (frames 55, 56, 76, 81, 82).
  const events = await assertCounts('edns_ecs_v4_v6_truncated_tcp_fallback.pcap', {
    packets: 89, requests: 20, responses: 65, paired: 15, unpairedResponses: 50, duplicateResponses: 0, timeouts: 5, faults: {},
  });
  // tshark -Y "dns.flags.truncated == 1" | wc -l: 7.
  assert.equal(responses(events).filter((event) => event.dns!.response!.isRspTruncated).length, 7);
  // tshark -Y "tcp && dns" -T fields -e dns.id | tr , '\n' | grep -c .: 9 messages over TCP.
  assert.equal(events.filter((event) => event.flow!.ipproto === 'TCP').length, 9);
  // Frame 54 reassembles frames 53 (1514 bytes) and 54 (264 bytes): udp.length 1710, 4 answers.
  const reassembled = responses(events).find((event) => event.dns!.txId === 0xd43f)!;
  assert.equal(reassembled.dns!.response!.rspPkts, 2);
  assert.equal(reassembled.dns!.response!.rspL2Bytes, 1514 + 264);
  assert.equal(reassembled.dns!.response!.rspBytes, 1710 - 8);
  assert.equal(reassembled.dns!.response!.answers.length, 4);
  // tshark -Y "ipv6 && dns" -T fields -e dns.id | tr , '\n' | grep -c .: 43.
  assert.equal(events.filter((event) => event.flow!.ipver === 'IPv6').length, 43);
});

test('shared captures: malformed names dropped', { skip }, async () => {
  // Frames 1 and 3 are [Malformed Packet: DNS] (the name runs past the end); frame 2 shows
  // "Name contains a pointer that loops" (tshark -V).
  const events = await assertCounts('malformed_names_loop_and_overrun.pcap', {
    packets: 3, requests: 0, responses: 0, paired: 0, unpairedResponses: 0, duplicateResponses: 0, timeouts: 0, faults: { 'label-overrun': 2, 'name-loop': 1 },
  });
  assert.equal(events.length, 0);
});

test('shared captures: mDNS replies stand alone', { skip }, async () => {
  // q 12, r 6 (tshark pairs the 6 by id 0; Triggerbox leaves mDNS replies unpaired).
  const events = await assertCounts('mdns_local_v4_v6.pcap', {
    packets: 24, requests: 12, responses: 6, paired: 0, unpairedResponses: 6, duplicateResponses: 0, timeouts: 0, faults: {},
  });
  // tshark -Y "dns.flags.response == 1" -T fields -e dns.count.queries: all 0.
  assert.ok(responses(events).every((event) => event.dns!.qname === null && event.dns!.qtype === null));
  assert.ok(events.every((event) => event.flow!.l7proto === 'MDNS' && event.dns!.txId === 0));
  // Frame 4: 6 answers; frame 3: 4 answers.
  assert.deepEqual(responses(events).map((event) => event.dns!.response!.answers.length), [4, 6, 6, 4, 6, 4]);
  const v4Response = responses(events)[1]!;
  assert.equal(v4Response.flow!.client.ipaddr, '224.0.0.251');
  assert.equal(v4Response.flow!.server.ipaddr, '10.0.2.7');
  // Frame 1: two questions, the first is _ipp._tcp.local PTR.
  assert.equal(events[0]!.dns!.qname, '_ipp._tcp.local');
  assert.equal(events[0]!.dns!.qtype, 'PTR');
  assert.equal(events[0]!.flow!.server.ipaddr, 'ff02::fb');
});

test('shared captures: mixed record types', { skip }, async () => {
  const events = await assertCounts('mixed_mx_loc_ptr_aaaa_any_nxdomain.pcap', {
    packets: 22, requests: 11, responses: 11, paired: 11, unpairedResponses: 0, duplicateResponses: 0, timeouts: 0, faults: {},
  });
  // Frame 2: dns.mx.mail_exchange smtp4..smtp3.google.com, dns.time 0.832133 s.
  const mx = events[1]!;
  assert.deepEqual(mx.dns!.response!.answers.map((answer) => answer.data), ['smtp4.google.com', 'smtp5.google.com', 'smtp6.google.com', 'smtp1.google.com', 'smtp2.google.com', 'smtp3.google.com']);
  assert.ok(Math.abs(mx.dns!.response!.processingTime - 832.133) < 0.001);
  // Frame 20: www.example.notginh rcode 3; frame 21: qtype 255.
  assert.equal(events[19]!.dns!.response!.error, 'NXDOMAIN');
  assert.equal(events[20]!.dns!.qtype, 'ANY');
  // Frame 14: www.google.com AAAA answered by a CNAME only.
  assert.deepEqual(events[13]!.dns!.response!.answers.map((answer) => [answer.type, answer.data]), [['CNAME', 'www.l.google.com']]);
  // Frame 4 answers the google.com LOC question with no records.
  assert.equal(events[3]!.dns!.response!.answers.length, 0);
  // Frame 10: www.netbsd.org AAAA 2001:4f8:4:7:2e0:81ff:fe52:9a6b.
  assert.equal(events[9]!.dns!.response!.answers[0]!.data, '2001:4f8:4:7:2e0:81ff:fe52:9a6b');
});

test('shared captures: IQUERY without question', { skip }, async () => {
  const events = await assertCounts('pcapng_iquery_zero_questions_notimp.pcapng', {
    packets: 2, requests: 1, responses: 1, paired: 1, unpairedResponses: 0, duplicateResponses: 0, timeouts: 0, faults: {},
  });
  // Frame 1: opcode 1, 0 questions; frame 2: rcode 4, 0 questions.
  assert.equal(events[0]!.dns!.opcode, 'IQUERY');
  assert.equal(events[0]!.dns!.opcodeNum, 1);
  assert.equal(events[0]!.dns!.qname, null);
  assert.equal(events[1]!.dns!.qname, null);
  assert.equal(events[1]!.dns!.response!.error, 'NOTIMP');
  assert.equal(events[1]!.dns!.response!.errorNum, 4);
});

test('shared captures: pcapng per-interface resolution', { skip }, async () => {
  const events = await assertCounts('pcapng_two_interfaces_ns_us_tsresol_cname.pcapng', {
    packets: 6, requests: 3, responses: 3, paired: 3, unpairedResponses: 0, duplicateResponses: 0, timeouts: 0, faults: {},
  });
  // frame.time_epoch: frame 1 1767663089.500330493 (ns interface), frame 3 1767663437.111897 (us interface).
  assert.ok(Math.abs(events[0]!.timestampMs - 1767663089500.330493) < 0.001);
  assert.ok(Math.abs(events[2]!.timestampMs - 1767663437111.897) < 0.001);
  // Frame 2: dns.time 0.013961447 s.
  assert.ok(Math.abs(events[1]!.dns!.response!.processingTime - 13.961447) < 0.001);
});

test('shared captures: root NS over IPv6', { skip }, async () => {
  const events = await assertCounts('pcapng_v4_v6_root_ns_nsid.pcapng', {
    packets: 14, requests: 7, responses: 7, paired: 7, unpairedResponses: 0, duplicateResponses: 0, timeouts: 0, faults: {},
  });
  // Frame 1 asks NS for <Root>; frame 2 answers a. to m.root-servers.net.
  assert.equal(events[0]!.dns!.qname, '');
  assert.equal(events[0]!.dns!.qtype, 'NS');
  assert.equal(events[0]!.flow!.ipver, 'IPv6');
  assert.equal(events[0]!.flow!.server.ipaddr, '2001:4860:4860::8844');
  const answers = events[1]!.dns!.response!.answers;
  assert.equal(answers.length, 13);
  assert.equal(answers[0]!.data, 'a.root-servers.net');
  assert.equal(answers[12]!.data, 'm.root-servers.net');
});

test('shared captures: snaplen cut response dropped', { skip }, async () => {
  // tshark -Y "frame.cap_len < frame.len && dns": frame 2 (266 bytes sent, 98 kept).
  const events = await assertCounts('snaplen_cut_response.pcap', {
    packets: 2, requests: 1, responses: 0, paired: 0, unpairedResponses: 0, duplicateResponses: 0, timeouts: 1, faults: { 'snaplen-cut': 1 },
  });
  assert.equal(events[0]!.dns!.qname, 'www.tcpdump.org');
});

test('shared captures: pipelined TCP queries', { skip }, async () => {
  // Frame 4 (716 bytes) carries the 20 queries; frames 8 to 46 one NXDOMAIN each.
  const events = await assertCounts('tcp_20_pipelined_queries_nxdomain.pcap', {
    packets: 48, requests: 20, responses: 20, paired: 20, unpairedResponses: 0, duplicateResponses: 0, timeouts: 0, faults: {},
  });
  const queries = requests(events);
  assert.deepEqual(queries.map((event) => event.dns!.qname), Array.from({ length: 20 }, (_, i) => `${i}.google.com`));
  assert.ok(queries.every((event) => event.dns!.reqPkts === 1 && event.dns!.reqL2Bytes === 716));
  assert.ok(responses(events).every((event) => event.dns!.response!.error === 'NXDOMAIN'));
  // Frame 8: dns.time 0.118018 s.
  assert.ok(Math.abs(responses(events)[0]!.dns!.response!.processingTime - 118.018) < 0.001);
  assert.equal(responses(events)[0]!.flow!.ipproto, 'TCP');
});

test('shared captures: unanswered queries time out', { skip }, async () => {
  const events = await assertCounts('unanswered_random_case_queries.pcap', {
    packets: 10, requests: 10, responses: 0, paired: 0, unpairedResponses: 0, duplicateResponses: 0, timeouts: 10, faults: {},
  });
  // tshark -T fields -e dns.qry.name, frame 1: pXIqopbiiD.de (wire case kept).
  assert.equal(events[0]!.dns!.qname, 'pXIqopbiiD.de');
  assert.equal(events[0]!.timestampMs, 629503200000);
});

test('shared captures: merged in time order', { skip }, async () => {
  const files = ['unanswered_random_case_queries.pcap', 'mixed_mx_loc_ptr_aaaa_any_nxdomain.pcap', 'tcp_20_pipelined_queries_nxdomain.pcap'];
  const { events, summary } = await replayAll(files.map(capture));
  assert.equal(summary.files, 3);
  assert.equal(events.length, 10 + 22 + 40);
  for (let i = 1; i < events.length; i++) assert.ok(events[i]!.timestampMs >= events[i - 1]!.timestampMs, `event ${i} is earlier than event ${i - 1}`);
  assert.equal(summary.firstTimestampMs, 629503200000);
});
