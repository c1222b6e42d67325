import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HyperLogLog } from '../src/index.js';

function relativeError(estimate: number, actual: number): number {
  return Math.abs(estimate - actual) / actual;
}

test('HyperLogLog: empty counter estimates zero', () => {
  assert.equal(new HyperLogLog().estimate(), 0);
});

test('HyperLogLog: small sets are near exact', () => {
  for (const size of [1, 2, 10, 50]) {
    const counter = new HyperLogLog();
    for (let i = 0; i < size; i++) {
      counter.add(`host-${i}`);
      counter.add(`host-${i}`);
    }
    assert.equal(counter.estimate(), size, `size ${size}`);
  }
});

test('HyperLogLog: 100k items within 2%', () => {
  const kinds: [string, (i: number) => string][] = [
    ['names', (i) => `client-${i}.example.com`],
    ['decimal', (i) => String(i)],
    ['addresses', (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`],
  ];
  for (const [kind, makeItem] of kinds) {
    const counter = new HyperLogLog();
    for (let i = 0; i < 100_000; i++) counter.add(makeItem(i));
    const estimate = counter.estimate();
    assert.ok(relativeError(estimate, 100_000) < 0.02, `${kind}: estimate ${estimate}`);
  }
});

test('HyperLogLog: accurate across the range', () => {
  // Covers the switch from sparse to dense registers and the region where plain HLL is biased.
  for (const size of [300, 2_000, 20_000, 40_000, 80_000, 300_000]) {
    const counter = new HyperLogLog();
    for (let i = 0; i < size; i++) counter.add(`item-${size}-${i}`);
    const estimate = counter.estimate();
    assert.ok(relativeError(estimate, size) < 0.03, `size ${size}: estimate ${estimate}`);
  }
});

test('HyperLogLog: merge gives the union', () => {
  const left = new HyperLogLog();
  const right = new HyperLogLog();
  for (let i = 0; i < 30_000; i++) left.add(`u${i}`);
  for (let i = 20_000; i < 50_000; i++) right.add(`u${i}`);
  left.merge(right);
  const estimate = left.estimate();
  assert.ok(relativeError(estimate, 50_000) < 0.02, `estimate ${estimate}`);
});
