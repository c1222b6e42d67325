#!/usr/bin/env node
// Measures how many events per second the engine runs through a trigger that only counts them
// (`Network.metricAddCount('events', 1)`), in batches of 512 DNS_REQUEST events, with the real
// SessionTable, MetricSink and RemoteHttp. Run after "npm run build":
//   node --no-node-snapshot packages/sandbox/scripts/bench-count-events.mjs [batches]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '@triggerbox/core';
import { SessionTable } from '@triggerbox/session-table';
import { MetricSink } from '@triggerbox/metrics';
import { RemoteHttp } from '@triggerbox/remote';
import { createTriggerEngine } from '@triggerbox/sandbox';

const BATCH_SIZE = 512;
const WARMUP_BATCHES = 100;
const batches = Number(process.argv[2] ?? 2_000);

const clock = new VirtualClock(1_700_000_000_000);
const metrics = new MetricSink({ clock });
const remote = new RemoteHttp({ targets: {}, clock });
const engine = await createTriggerEngine({ session: new SessionTable({ clock }), metrics, remote, clock });
const folder = await mkdtemp(join(tmpdir(), 'triggerbox-bench-'));

try {
  const file = join(folder, 'count-events.js');
  await writeFile(file, "//Events: DNS_REQUEST\nNetwork.metricAddCount('events', 1);\n");
  await engine.load([file]);

  const flow = { id: 'f', client: { ipaddr: '10.0.0.2', port: 40000 }, server: { ipaddr: '10.0.0.53', port: 53 }, ipproto: 'UDP', ipver: 'IPv4', l7proto: 'DNS' };
  const dns = { qname: 'www.example.com', qtype: 'A', qtypeNum: 1, opcode: 'QUERY', opcodeNum: 0, txId: 1, isRecursionDesired: true, isCheckingDisabled: false, reqBytes: 33, reqL2Bytes: 75, reqPkts: 1, response: null };
  const events = Array.from({ length: BATCH_SIZE }, (_, index) => ({ name: 'DNS_REQUEST', timestampMs: clock.nowMs() + index, flow, dns }));

  for (let batch = 0; batch < WARMUP_BATCHES; batch++) await engine.fire(events);
  const startedAt = process.hrtime.bigint();
  for (let batch = 0; batch < batches; batch++) await engine.fire(events);
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;

  const counted = metrics.rows().find((row) => row.metric === 'events')?.value;
  const expected = (WARMUP_BATCHES + batches) * BATCH_SIZE;
  if (counted !== expected) throw new Error(`the trigger counted ${counted} events, expected ${expected}`);
  const perSecond = Math.round((batches * BATCH_SIZE) / seconds);
  console.log(`${perSecond} events/s (${batches} batches of ${BATCH_SIZE} in ${seconds.toFixed(2)} s, Node.js ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'})`);
} finally {
  await engine.close();
  await remote.close();
  await rm(folder, { recursive: true, force: true });
}
