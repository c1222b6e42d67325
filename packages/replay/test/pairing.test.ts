import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { PcapWriter, buildDnsQuery, buildDnsResponse, buildUdpPacket } from '../src/index.js';
import { TempFiles, replayAll, responses } from './helpers.js';

const files = new TempFiles();
after(() => files.cleanup());

const client = { ip: '10.0.0.1', port: 40000 };
const server = { ip: '192.0.2.53', port: 53 };
const query = (id: number, name = 'pair.example') => buildDnsQuery({ id, name });
const answer = (id: number, name = 'pair.example') => buildDnsResponse({ id, name, answers: ['192.0.2.1'] });

type Step = [timestampMs: number, direction: 'q' | 'r', message: Buffer, from?: { ip: string; port: number }, to?: { ip: string; port: number }];

function capture(steps: Step[]): string {
  const writer = new PcapWriter();
  for (const [timestampMs, direction, message, from, to] of steps) {
    const frame = direction === 'q' ? buildUdpPacket(from ?? client, to ?? server, message) : buildUdpPacket(from ?? server, to ?? client, message);
    writer.addPacket(frame, { timestampMs });
  }
  return files.write(writer.takeBytes());
}

test('pairing: window edge inclusive', async () => {
  const { events, summary } = await replayAll([capture([[0, 'q', query(1)], [100, 'r', answer(1)]])], { pairingTimeoutMs: 100 });
  assert.equal(summary.paired, 1);
  assert.equal(summary.timeouts, 0);
  assert.equal(responses(events)[0]!.dns!.response!.processingTime, 100);
});

test('pairing: late response unpaired', async () => {
  const { events, summary } = await replayAll([capture([[0, 'q', query(1)], [100.5, 'r', answer(1)]])], { pairingTimeoutMs: 100 });
  assert.equal(summary.paired, 0);
  assert.equal(summary.timeouts, 1);
  assert.equal(summary.unpairedResponses, 1);
  const late = responses(events)[0]!;
  assert.ok(Number.isNaN(late.dns!.response!.processingTime));
  assert.equal(late.dns!.reqBytes, 0);
  assert.equal(late.dns!.reqPkts, 0);
});

test('pairing: default window 5000 ms', async () => {
  const { summary } = await replayAll([capture([[0, 'q', query(1)], [5000, 'r', answer(1)], [10_000, 'q', query(2)], [15_001, 'r', answer(2)]])]);
  assert.equal(summary.paired, 1);
  assert.equal(summary.timeouts, 1);
});

test('pairing: request sizes copied', async () => {
  const request = query(9, 'sizes.example');
  const { events } = await replayAll([capture([[0, 'q', request], [3.25, 'r', answer(9, 'sizes.example')]])]);
  const response = events[1]!.dns!;
  assert.equal(response.reqBytes, request.length);
  assert.equal(response.reqL2Bytes, 14 + 20 + 8 + request.length);
  assert.equal(response.reqPkts, 1);
  assert.equal(response.response!.rspBytes, answer(9, 'sizes.example').length);
  assert.equal(response.response!.processingTime, 3.25);
  assert.equal(events[1]!.flow, events[0]!.flow);
  assert.equal(events[1]!.flow!.client.ipaddr, '10.0.0.1');
  assert.equal(events[1]!.flow!.server.port, 53);
});

test('pairing: duplicate response once', async () => {
  const { events, summary } = await replayAll([capture([[0, 'q', query(1)], [1, 'r', answer(1)], [2, 'r', answer(1)], [3, 'r', answer(1)]])]);
  assert.equal(summary.responses, 3);
  assert.equal(summary.paired, 1);
  assert.equal(summary.duplicateResponses, 2);
  assert.equal(summary.unpairedResponses, 0);
  assert.deepEqual(responses(events).map((event) => event.dns!.response!.processingTime), [1, NaN, NaN]);
});

test('pairing: retransmitted query pairs in order', async () => {
  const { events, summary } = await replayAll([capture([[0, 'q', query(1)], [1000, 'q', query(1)], [1010, 'r', answer(1)]])]);
  assert.equal(summary.requests, 2);
  assert.equal(summary.paired, 1);
  assert.equal(summary.timeouts, 1);
  assert.equal(responses(events)[0]!.dns!.response!.processingTime, 1010);

  const both = await replayAll([capture([[0, 'q', query(1)], [1000, 'q', query(1)], [1010, 'r', answer(1)], [1020, 'r', answer(1)]])]);
  assert.equal(both.summary.paired, 2);
  assert.equal(both.summary.timeouts, 0);
  assert.deepEqual(responses(both.events).map((event) => event.dns!.response!.processingTime), [1010, 20]);
});

test('pairing: key needs flow and id', async () => {
  const otherPort = { ip: client.ip, port: 40001 };
  const otherServer = { ip: '192.0.2.54', port: 53 };
  const { summary } = await replayAll([
    capture([
      [0, 'q', query(1)],
      [1, 'r', answer(2)],
      [2, 'r', answer(1), server, otherPort],
      [3, 'r', answer(1), otherServer, client],
      [4, 'r', answer(1)],
    ]),
  ]);
  assert.equal(summary.paired, 1);
  assert.equal(summary.unpairedResponses, 3);
});

test('pairing: mDNS never paired', async () => {
  const mdnsClient = { ip: '10.0.0.7', port: 5353 };
  const group = { ip: '224.0.0.251', port: 5353 };
  const { events, summary } = await replayAll([
    capture([
      [0, 'q', query(0, 'printer.local'), mdnsClient, group],
      [1, 'r', answer(0, 'printer.local'), { ip: '10.0.0.8', port: 5353 }, group],
      [60_000, 'q', query(0, 'printer.local'), mdnsClient, group],
    ]),
  ]);
  assert.equal(summary.requests, 2);
  assert.equal(summary.paired, 0);
  assert.equal(summary.timeouts, 0);
  assert.equal(summary.unpairedResponses, 1);
  assert.ok(Number.isNaN(responses(events)[0]!.dns!.response!.processingTime));
  assert.equal(responses(events)[0]!.flow!.l7proto, 'MDNS');
  assert.equal(responses(events)[0]!.flow!.client.ipaddr, '224.0.0.251');
});

test('pairing: unanswered at end time out', async () => {
  const { summary } = await replayAll([capture([[0, 'q', query(1)], [1, 'q', query(2)], [2, 'r', answer(2)]])], { pairingTimeoutMs: 60_000 });
  assert.equal(summary.timeouts, 1);
  assert.equal(summary.paired, 1);
});

test('pairing: IPv6 flow id bracketed', async () => {
  const client6 = { ip: '2001:db8::1', port: 40000 };
  const server6 = { ip: '2001:db8::53', port: 53 };
  const { events, summary } = await replayAll([capture([[0, 'q', query(3), client6, server6], [1, 'r', answer(3), server6, client6]])]);
  assert.equal(summary.paired, 1);
  assert.equal(events[0]!.flow!.id, 'UDP [2001:db8::1]:40000 > [2001:db8::53]:53');
  assert.equal(events[0]!.flow!.ipver, 'IPv6');
});
