import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '@triggerbox/core';
import { MetricSink, type DatasetSummary, type SamplesetSummary } from '../src/index.js';

function newSink(): MetricSink {
  return new MetricSink({ clock: new VirtualClock(1_700_000_000_000) });
}

test('count: sums values per row', () => {
  const sink = newSink();
  sink.record('application', 'dns', 'count', 'requests', null, 1);
  sink.record('application', 'dns', 'count', 'requests', null, 4);
  sink.record('application', 'dns', 'count', 'requests', 'example.com', 2);
  sink.record('application', 'other', 'count', 'requests', null, 7);
  assert.deepEqual(sink.rows(), [
    { source: 'application', object: 'dns', metric: 'requests', type: 'count', detail: null, value: 5 },
    { source: 'application', object: 'dns', metric: 'requests', type: 'count', detail: 'example.com', value: 2 },
    { source: 'application', object: 'other', metric: 'requests', type: 'count', detail: null, value: 7 },
  ]);
});

test('count: freq is ignored', () => {
  const sink = newSink();
  sink.record('network', '', 'count', 'n', null, 3, { freq: 10 });
  assert.equal(sink.rows()[0]?.value, 3);
});

test('max: keeps the maximum', () => {
  const sink = newSink();
  for (const value of [5, 90, 0, 12]) sink.record('network', '', 'max', 'latency', null, value);
  assert.equal(sink.rows()[0]?.value, 90);
});

test('snap: keeps the latest value', () => {
  const sink = newSink();
  for (const value of [5, 90, 0, 12]) sink.record('network', '', 'snap', 'queue', null, value);
  assert.equal(sink.rows()[0]?.value, 12);
});

test('sampleset: mean and population sd', () => {
  const sink = newSink();
  for (const value of [2, 4, 4, 4, 5, 5, 7, 9]) sink.record('application', 'a', 'sampleset', 's', null, value);
  // Mean 5, squared deviations sum to 32, so the population variance is 4 and sd 2.
  assert.deepEqual(sink.rows()[0]?.value, { count: 8, sum: 40, mean: 5, sd: 2 });
});

test('sampleset: freq weights values', () => {
  const sink = newSink();
  sink.record('application', 'a', 'sampleset', 's', null, 2);
  sink.record('application', 'a', 'sampleset', 's', null, 4, { freq: 3 });
  const value = sink.rows()[0]?.value as SamplesetSummary;
  assert.equal(value.count, 4);
  assert.equal(value.sum, 14);
  assert.equal(value.mean, 3.5);
  // Deviations -1.5, 0.5, 0.5, 0.5: squares sum to 3, variance 0.75.
  assert.ok(Math.abs(value.sd - Math.sqrt(0.75)) < 1e-12, `sd ${value.sd}`);
});

test('dataset: nearest-rank percentiles', () => {
  const sink = newSink();
  for (let value = 1; value <= 100; value++) sink.record('application', 'a', 'dataset', 'd', null, value);
  assert.deepEqual(sink.rows()[0]?.value, {
    count: 100,
    sum: 5_050,
    min: 1,
    max: 100,
    p25: 25,
    p50: 50,
    p75: 75,
    p95: 95,
    p99: 99,
  });
});

test('dataset: freq and small sets', () => {
  const sink = newSink();
  sink.record('application', 'a', 'dataset', 'd', null, 10, { freq: 3 });
  sink.record('application', 'a', 'dataset', 'd', null, 1_000);
  // Ranks: ceil(0.25*4)=1, ceil(0.5*4)=2, ceil(0.75*4)=3, ceil(0.95*4)=4, ceil(0.99*4)=4.
  assert.deepEqual(sink.rows()[0]?.value, {
    count: 4,
    sum: 1_030,
    min: 10,
    max: 1_000,
    p25: 10,
    p50: 10,
    p75: 10,
    p95: 1_000,
    p99: 1_000,
  });
});

test('dataset: single value fills every percentile', () => {
  const sink = newSink();
  sink.record('application', 'a', 'dataset', 'd', 'k', 0);
  const value = sink.rows()[0]?.value as DatasetSummary;
  assert.deepEqual([value.min, value.p25, value.p50, value.p99, value.max], [0, 0, 0, 0, 0]);
});

test('distinct: counts unique items', () => {
  const sink = newSink();
  for (let i = 0; i < 50; i++) sink.record('application', 'a', 'distinct', 'clients', null, `10.0.0.${i % 20}`);
  sink.record('application', 'a', 'distinct', 'clients', null, 7);
  sink.record('application', 'a', 'distinct', 'clients', null, '7');
  assert.equal(sink.rows()[0]?.value, 21);
});

test('rows: keyed by type as well', () => {
  const sink = newSink();
  sink.record('application', 'a', 'count', 'm', null, 1);
  sink.record('application', 'a', 'max', 'm', null, 9);
  sink.record('network', 'a', 'count', 'm', null, 2);
  assert.deepEqual(
    sink.rows().map((row) => [row.source, row.type, row.value]),
    [
      ['application', 'count', 1],
      ['application', 'max', 9],
      ['network', 'count', 2],
    ],
  );
});

test('rows: names with separators stay apart', () => {
  const sink = newSink();
  sink.record('application', 'a:1', 'count', 'b', null, 1);
  sink.record('application', 'a', 'count', ':1b', null, 2);
  sink.record('application', 'a', 'count', 'b', '-', 3);
  sink.record('application', 'a', 'count', 'b', null, 4);
  assert.equal(sink.rows().length, 4);
});

test('rows: sorted by code units', () => {
  const sink = newSink();
  for (const detail of ['b', 'a', 'B', 'é', '10', '9']) sink.record('application', 'x', 'count', 'm', detail, 1);
  sink.record('application', 'x', 'count', 'm', null, 1);
  assert.deepEqual(
    sink.rows().map((row) => row.detail),
    [null, '10', '9', 'B', 'a', 'b', 'é'],
  );
});

test('reset: forgets everything', () => {
  const sink = newSink();
  sink.record('application', 'a', 'count', 'm', null, 1, { highPrecision: true });
  sink.reset();
  assert.deepEqual(sink.rows(), []);
  assert.deepEqual(sink.cycleRows(), []);
});
