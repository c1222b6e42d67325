import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '@triggerbox/core';
import { MetricSink } from '../src/index.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Exposition {
  types: Map<string, string>;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Parses the label block starting after `{`; returns the labels and the index after `}`. */
function parseLabels(line: string, start: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  let index = start;
  while (line[index] !== '}') {
    const equals = line.indexOf('=', index);
    const name = line.slice(index, equals);
    assert.match(name, LABEL_NAME, `label name in ${line}`);
    assert.equal(line[equals + 1], '"', `quote after ${name}`);
    let value = '';
    index = equals + 2;
    for (;;) {
      const char = line[index];
      assert.ok(char !== undefined, `unterminated label value in ${line}`);
      if (char === '"') break;
      if (char === '\\') {
        const next = line[index + 1];
        assert.ok(next === '\\' || next === '"' || next === 'n', `bad escape \\${next}`);
        value += next === 'n' ? '\n' : next;
        index += 2;
        continue;
      }
      value += char;
      index++;
    }
    assert.equal(labels[name], undefined, `duplicate label ${name}`);
    labels[name] = value;
    index++;
    if (line[index] === ',') index++;
  }
  return [labels, index + 1];
}

function parseValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  assert.match(text, /^-?[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?$/, `sample value ${text}`);
  return Number(text);
}

/** Minimal parser for the text exposition format: checks syntax and returns the samples. */
function parseExposition(text: string): Exposition {
  assert.ok(text.endsWith('\n'), 'exposition ends with a line feed');
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const seen = new Set<string>();

  for (const line of text.slice(0, -1).split('\n')) {
    if (line.startsWith('# HELP ')) continue;
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      assert.ok(name, `TYPE line without a name: ${line}`);
      assert.match(name, NAME, `family name ${name}`);
      assert.ok(['counter', 'gauge', 'summary', 'histogram', 'untyped'].includes(type ?? ''), `type ${type}`);
      assert.ok(!types.has(name), `family ${name} declared twice`);
      types.set(name, type!);
      continue;
    }
    assert.ok(!line.startsWith('#'), `unknown comment ${line}`);

    const brace = line.indexOf('{');
    const name = line.slice(0, brace);
    assert.match(name, NAME, `sample name in ${line}`);
    const [labels, end] = parseLabels(line, brace + 1);
    assert.equal(line[end], ' ', `space before value in ${line}`);
    const value = parseValue(line.slice(end + 1));

    const identity = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    assert.ok(!seen.has(identity), `duplicate series ${identity}`);
    seen.add(identity);
    const family = [name, name.replace(/_(sum|count)$/, '')].find((candidate) => types.has(candidate));
    assert.ok(family, `sample ${name} follows a TYPE line`);
    samples.push({ name, labels, value });
  }
  return { types, samples };
}

function find(exposition: Exposition, name: string, labels: Record<string, string>): number | undefined {
  return exposition.samples.find(
    (sample) => sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === JSON.stringify(Object.entries(labels).sort()),
  )?.value;
}

test('toPrometheus: output parses back', () => {
  const sink = new MetricSink({ clock: new VirtualClock(0) });
  sink.record('application', 'DNS "prod"', 'count', 'dns.requests', null, 3);
  sink.record('application', 'DNS "prod"', 'count', 'dns.requests', 'line\nbreak\\slash', 2);
  sink.record('network', '', 'max', 'rtt-ms', null, 40);
  sink.record('network', '', 'snap', 'queue depth', null, 7);
  sink.record('application', 'a', 'distinct', 'clients', null, 'x');
  for (const value of [1, 2, 3, 4]) sink.record('application', 'a', 'dataset', 'size', null, value);
  for (const value of [2, 4]) sink.record('application', 'a', 'sampleset', 'time', 'k', value);

  const exposition = parseExposition(sink.toPrometheus());
  assert.equal(exposition.types.get('triggerbox_count_total'), 'counter');
  assert.equal(exposition.types.get('triggerbox_dataset'), 'summary');
  const app = { source: 'application', object: 'DNS "prod"', metric: 'dns.requests' };
  assert.equal(find(exposition, 'triggerbox_count_total', app), 3);
  assert.equal(find(exposition, 'triggerbox_count_total', { ...app, detail: 'line\nbreak\\slash' }), 2);
  assert.equal(find(exposition, 'triggerbox_max', { source: 'network', object: '', metric: 'rtt-ms' }), 40);
  assert.equal(find(exposition, 'triggerbox_snap', { source: 'network', object: '', metric: 'queue depth' }), 7);
  assert.equal(find(exposition, 'triggerbox_distinct', { source: 'application', object: 'a', metric: 'clients' }), 1);

  const dataset = { source: 'application', object: 'a', metric: 'size' };
  assert.equal(find(exposition, 'triggerbox_dataset', { ...dataset, quantile: '0.5' }), 2);
  assert.equal(find(exposition, 'triggerbox_dataset', { ...dataset, quantile: '0.99' }), 4);
  assert.equal(find(exposition, 'triggerbox_dataset_sum', dataset), 10);
  assert.equal(find(exposition, 'triggerbox_dataset_count', dataset), 4);
  assert.equal(find(exposition, 'triggerbox_dataset_min', dataset), 1);
  assert.equal(find(exposition, 'triggerbox_dataset_max', dataset), 4);

  const sampleset = { source: 'application', object: 'a', metric: 'time', detail: 'k' };
  assert.equal(find(exposition, 'triggerbox_sampleset_sum', sampleset), 6);
  assert.equal(find(exposition, 'triggerbox_sampleset_count', sampleset), 2);
  assert.equal(find(exposition, 'triggerbox_sampleset_stddev', sampleset), 1);
});

test('toPrometheus: empty sink gives empty text', () => {
  const sink = new MetricSink({ clock: new VirtualClock(0) });
  assert.equal(sink.toPrometheus(), '');
});

test('toPrometheus: large counts keep exponent form', () => {
  const sink = new MetricSink({ clock: new VirtualClock(0) });
  sink.record('application', 'a', 'count', 'big', null, 2 ** 62);
  sink.record('application', 'a', 'count', 'big', null, 2 ** 62);
  const exposition = parseExposition(sink.toPrometheus());
  assert.equal(find(exposition, 'triggerbox_count_total', { source: 'application', object: 'a', metric: 'big' }), 2 ** 63);
});
