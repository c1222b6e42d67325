import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '@triggerbox/core';
import { MetricSink } from '../src/index.js';

test('cycles: 30 s boundaries split records', () => {
  const clock = new VirtualClock(29_999);
  const sink = new MetricSink({ clock });
  sink.record('application', 'a', 'count', 'm', null, 1);
  clock.set(30_000);
  sink.record('application', 'a', 'count', 'm', null, 2);
  clock.set(59_999.5);
  sink.record('application', 'a', 'count', 'm', null, 3);
  clock.set(95_000);
  sink.record('application', 'a', 'count', 'm', null, 4);

  assert.deepEqual(
    sink.cycleRows().map((row) => [row.cycleStartMs, row.cycleMs, row.value]),
    [
      [0, 30_000, 1],
      [30_000, 30_000, 5],
      [90_000, 30_000, 4],
    ],
  );
  assert.equal(sink.rows()[0]?.value, 10);
});

test('cycles: high precision adds 1 s cycles', () => {
  const clock = new VirtualClock(60_000);
  const sink = new MetricSink({ clock });
  sink.record('network', '', 'max', 'm', null, 5, { highPrecision: true });
  clock.set(60_999);
  sink.record('network', '', 'max', 'm', null, 3, { highPrecision: true });
  clock.set(61_000);
  sink.record('network', '', 'max', 'm', null, 4, { highPrecision: true });
  sink.record('network', '', 'max', 'other', null, 8);

  assert.deepEqual(
    sink.cycleRows().map((row) => [row.cycleStartMs, row.cycleMs, row.metric, row.value]),
    [
      [60_000, 1_000, 'm', 5],
      [60_000, 30_000, 'm', 5],
      [60_000, 30_000, 'other', 8],
      [61_000, 1_000, 'm', 4],
    ],
  );
});

test('cycles: distinct counts per cycle', () => {
  const clock = new VirtualClock(0);
  const sink = new MetricSink({ clock });
  for (const item of ['a', 'b', 'a']) sink.record('application', 'x', 'distinct', 'd', null, item);
  clock.set(30_000);
  for (const item of ['a', 'c']) sink.record('application', 'x', 'distinct', 'd', null, item);
  assert.deepEqual(sink.cycleRows().map((row) => row.value), [2, 2]);
  assert.equal(sink.rows()[0]?.value, 3);
});

test('cycles: retention drops oldest cycles', () => {
  const clock = new VirtualClock(0);
  const sink = new MetricSink({ clock, retainCycles: 3, retainHighPrecisionCycles: 2 });
  for (let cycle = 0; cycle < 5; cycle++) {
    clock.set(cycle * 30_000);
    sink.record('application', 'a', 'count', 'm', null, cycle + 1, { highPrecision: true });
  }
  const rows = sink.cycleRows();
  assert.deepEqual(
    rows.filter((row) => row.cycleMs === 30_000).map((row) => row.cycleStartMs),
    [60_000, 90_000, 120_000],
  );
  assert.deepEqual(
    rows.filter((row) => row.cycleMs === 1_000).map((row) => row.cycleStartMs),
    [90_000, 120_000],
  );
  assert.equal(sink.rows()[0]?.value, 15, 'totals keep every record');
});

test('cycles: clock stepping back files older cycle', () => {
  // SystemClock can step back; records then go to the cycle of the earlier time.
  let nowMs = 90_000;
  const sink = new MetricSink({ clock: { nowMs: () => nowMs } });
  sink.record('application', 'a', 'count', 'm', null, 1);
  nowMs = 30_000;
  sink.record('application', 'a', 'count', 'm', null, 2);
  nowMs = 95_000;
  sink.record('application', 'a', 'count', 'm', null, 3);
  assert.deepEqual(
    sink.cycleRows().map((row) => [row.cycleStartMs, row.value]),
    [
      [30_000, 2],
      [90_000, 4],
    ],
  );
});
