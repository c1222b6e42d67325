import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '@triggerbox/core';
import { MetricSink } from '../src/index.js';

test('toTable: aligns columns', () => {
  const sink = new MetricSink({ clock: new VirtualClock(0) });
  sink.record('application', 'dns', 'count', 'requests', null, 12);
  sink.record('application', 'dns', 'count', 'requests', 'example.com', 3);
  sink.record('network', '', 'sampleset', 't', null, 1);
  sink.record('network', '', 'sampleset', 't', null, 2);
  assert.equal(
    sink.toTable(),
    [
      'source       object  metric    type       detail       value',
      'application  dns     requests  count      -            12',
      'application  dns     requests  count      example.com  3',
      'network              t         sampleset  -            count=2 sum=3 mean=1.5 sd=0.5',
      '',
    ].join('\n'),
  );
});

test('toTable: escapes control characters', () => {
  const sink = new MetricSink({ clock: new VirtualClock(0) });
  sink.record('application', 'a\nb', 'count', 'm\t', 'x\u0001', 1);
  const lines = sink.toTable().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[1]!, /^application {2}a\\x0ab {2}m\\x09 +count {2}x\\x01 +1$/);
});

test('toTable: cycle rows get a cycle column', () => {
  const clock = new VirtualClock(Date.UTC(2024, 0, 1, 0, 0, 31));
  const sink = new MetricSink({ clock });
  sink.record('application', 'a', 'dataset', 'd', null, 5, { highPrecision: true });
  assert.equal(
    sink.toTable(sink.cycleRows()),
    [
      'cycle                         source       object  metric  type     detail  value',
      '2024-01-01T00:00:30.000Z 30s  application  a       d       dataset  -       count=1 sum=5 min=5 p25=5 p50=5 p75=5 p95=5 p99=5 max=5',
      '2024-01-01T00:00:31.000Z 1s   application  a       d       dataset  -       count=1 sum=5 min=5 p25=5 p50=5 p75=5 p95=5 p99=5 max=5',
      '',
    ].join('\n'),
  );
});

test('toTable: empty sink says so', () => {
  const sink = new MetricSink({ clock: new VirtualClock(0) });
  assert.equal(sink.toTable(), 'source  object  metric  type  detail  value\n(no metrics recorded)\n');
});

test('toJson: plain data that survives stringify', () => {
  const clock = new VirtualClock(30_000);
  const sink = new MetricSink({ clock });
  sink.record('application', 'a', 'sampleset', 's', null, 4);
  const json = sink.toJson();
  assert.deepEqual(JSON.parse(JSON.stringify(json)), {
    rows: [{ source: 'application', object: 'a', metric: 's', type: 'sampleset', detail: null, value: { count: 1, sum: 4, mean: 4, sd: 0 } }],
  });
  assert.deepEqual(sink.toJson(sink.cycleRows()).rows[0], {
    source: 'application',
    object: 'a',
    metric: 's',
    type: 'sampleset',
    detail: null,
    value: { count: 1, sum: 4, mean: 4, sd: 0 },
    cycleStartMs: 30_000,
    cycleMs: 30_000,
  });
});
