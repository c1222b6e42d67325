#!/usr/bin/env node
// Measures MetricSink.record on the compiled package.
// Run `npm run build` first, then: node packages/metrics/bench/record.mjs [operations]
// Each case runs a fixed number of operations, so the script always ends by itself.
import { VirtualClock } from '@triggerbox/core';
import { MetricSink } from '@triggerbox/metrics';

const operations = Number(process.argv[2] ?? 1_000_000);
const keys = Array.from({ length: 30_000 }, (_, index) => `key:${index}`);

function measure(name, count, operation) {
  const startNs = process.hrtime.bigint();
  for (let index = 0; index < count; index++) operation(index);
  const elapsedNs = Number(process.hrtime.bigint() - startNs);
  const perOpNs = elapsedNs / count;
  console.log(`${name.padEnd(44)} ${(1e9 / perOpNs).toFixed(0).padStart(10)} ops/s ${perOpNs.toFixed(0).padStart(9)} ns/op`);
}

const clock = new VirtualClock(1_700_000_000_000);
const sink = new MetricSink({ clock });

console.log(`node ${process.version}, ${operations} operations per case`);
measure('record count', operations, () => sink.record('application', 'DNS', 'count', 'requests', null, 1));
measure('record detail count, 1,000 keys', operations, (i) => sink.record('application', 'DNS', 'count', 'requests', keys[i % 1_000], 1));
measure('record dataset, 500 values', operations, (i) => sink.record('application', 'DNS', 'dataset', 'latency', null, i % 500));
measure('record distinct, 30,000 items', operations, (i) => sink.record('application', 'DNS', 'distinct', 'clients', null, keys[i % 30_000]));
measure('record count, highPrecision, 1 s per 10k', operations, (i) => {
  if (i % 10_000 === 0) clock.advance(1_000);
  sink.record('application', 'DNS', 'count', 'hp', null, 1, { highPrecision: true });
});
measure('rows() with 1,000 detail rows', 1_000, () => sink.rows());
measure('toPrometheus() with 1,000 detail rows', 1_000, () => sink.toPrometheus());
