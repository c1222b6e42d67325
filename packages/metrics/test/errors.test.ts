import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VirtualClock } from '@triggerbox/core';
import { MetricSink, METRIC_ERROR_CODES, type MetricSource, type MetricType } from '../src/index.js';

const sink = new MetricSink({ clock: new VirtualClock(0) });

function expectCode(action: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(action, (error: Error & { code?: string }) => {
    assert.equal(error.name, 'TriggerboxError');
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  });
}

test('record: NaN values are dropped', () => {
  const local = new MetricSink({ clock: new VirtualClock(0) });
  for (const type of ['count', 'dataset', 'sampleset', 'max', 'snap', 'distinct'] as MetricType[]) {
    local.record('application', 'a', type, 'm', null, Number.NaN);
    local.record('application', 'a', type, 'm', 'k', Number.NaN);
  }
  assert.deepEqual(local.rows(), []);
});

test('recordDetail: null key is dropped', () => {
  const local = new MetricSink({ clock: new VirtualClock(0) });
  local.recordDetail('application', 'a', 'count', 'm', null, 1);
  local.recordDetail('application', 'a', 'count', 'm', undefined, 1);
  assert.deepEqual(local.rows(), []);
  local.recordDetail('application', 'a', 'count', 'm', 'k', 1);
  assert.deepEqual(local.rows().map((row) => row.detail), ['k']);
});

test('record: invalid values name method', () => {
  const cases: [MetricType, string | null, unknown, RegExp][] = [
    ['count', null, -1, /^metricAddCount: argument count must be an integer from 0 to 2\^63-1, got number -1/],
    ['count', 'k', 1.5, /^metricAddDetailCount: argument count .* got number 1.5/],
    ['dataset', null, '5', /^metricAddDataset: argument val must be a number, got string "5"/],
    ['max', null, Number.POSITIVE_INFINITY, /^metricAddMax: .* got number Infinity/],
    ['snap', null, 2 ** 63, /^metricAddSnap: .* got number 9223372036854776000/],
    ['sampleset', 'k', null, /^metricAddDetailSampleset: argument val must be a number, got null/],
    ['count', null, 5n, /got bigint 5/],
  ];
  for (const [type, detail, value, pattern] of cases) {
    expectCode(() => sink.record('application', 'a', type, 'm', detail, value as number), 'TB_ERR_METRIC_INVALID_VALUE', pattern);
  }
  assert.deepEqual(sink.rows(), []);
});

test('record: largest integer accepted', () => {
  const local = new MetricSink({ clock: new VirtualClock(0) });
  local.record('application', 'a', 'max', 'm', null, 2 ** 63 - 1024);
  local.record('application', 'a', 'count', 'zero', null, 0);
  assert.deepEqual(local.rows().map((row) => row.value), [2 ** 63 - 1024, 0]);
});

test('record: invalid names are reported', () => {
  expectCode(() => sink.record('application', 'a', 'count', '', null, 1), 'TB_ERR_METRIC_INVALID_NAME', /^metricAddCount: argument name must be a non-empty string, got string ""/);
  expectCode(() => sink.record('application', 'a', 'max', 5 as never, null, 1), 'TB_ERR_METRIC_INVALID_NAME', /got number 5/);
  expectCode(() => sink.record('application', '', 'count', 'm', null, 1), 'TB_ERR_METRIC_INVALID_NAME', /application name/);
  expectCode(() => sink.record('application', 'a', 'count', 'm', 7 as never, 1), 'TB_ERR_METRIC_INVALID_DETAIL', /^metricAddDetailCount: argument key must be a string, got number 7/);
  expectCode(() => sink.recordDetail('application', 'a', 'count', 'm', 7, 1), 'TB_ERR_METRIC_INVALID_DETAIL', /got number 7; convert it/);
});

test('record: invalid options are reported', () => {
  const cases: [unknown, RegExp][] = [
    [5, /^metricAddDataset: argument options must be an object/],
    [{ freq: 0 }, /option freq must be a positive integer, got number 0/],
    [{ freq: 1.5 }, /option freq .* got number 1.5/],
    [{ freq: '2' }, /option freq .* got string "2"/],
    [{ highPrecision: 'yes' }, /option highPrecision must be true or false, got string "yes"/],
  ];
  for (const [options, pattern] of cases) {
    expectCode(() => sink.record('application', 'a', 'dataset', 'm', null, 1, options as never), 'TB_ERR_METRIC_INVALID_OPTION', pattern);
  }
});

test('record: invalid distinct items are reported', () => {
  expectCode(() => sink.record('application', 'a', 'distinct', 'm', null, { ip: 1 } as never), 'TB_ERR_METRIC_INVALID_ITEM', /^metricAddDistinct: argument item must be a string or a number, got an object/);
  expectCode(() => sink.record('application', 'a', 'distinct', 'm', 'k', undefined as never), 'TB_ERR_METRIC_INVALID_ITEM', /^metricAddDetailDistinct: .* got undefined/);
});

test('record: unknown source or type', () => {
  expectCode(() => sink.record('device' as MetricSource, 'a', 'count', 'm', null, 1), 'TB_ERR_METRIC_INVALID_KIND', /source string "device"/);
  expectCode(() => sink.record('application', 'a', 'sum' as MetricType, 'm', null, 1), 'TB_ERR_METRIC_INVALID_KIND', /type string "sum"/);
});

test('MetricSink: retention must be positive', () => {
  expectCode(() => new MetricSink({ clock: new VirtualClock(0), retainCycles: 0 }), 'TB_ERR_METRIC_INVALID_CONFIG', /retainCycles .* got number 0/);
  expectCode(() => new MetricSink({ clock: new VirtualClock(0), retainHighPrecisionCycles: 1.5 }), 'TB_ERR_METRIC_INVALID_CONFIG', /retainHighPrecisionCycles/);
});

test('errors: every code is documented', () => {
  const docsPath = fileURLToPath(new URL('../../../../docs/errors.md', import.meta.url));
  const docs = readFileSync(docsPath, 'utf8');
  const section = docs.split('\n## ').find((part) => part.startsWith('metrics'));
  assert.ok(section, 'docs/errors.md has a metrics section');
  for (const [code, info] of Object.entries(METRIC_ERROR_CODES)) {
    assert.ok(section.includes(`\`${code}\` | ${info.kind} |`), `${code} is listed with kind ${info.kind}`);
  }
});
