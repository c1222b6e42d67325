import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '@triggerbox/core';
import { SessionTable, PRIORITY_HIGH, PRIORITY_LOW } from '../src/index.js';

test('eviction: lowest priority goes first', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock, capacity: 3 });
  table.add('high', 1, { priority: PRIORITY_HIGH, notify: true });
  table.add('normal', 2, { notify: true });
  table.add('low', 3, { priority: PRIORITY_LOW, notify: true });
  clock.set(5_000);
  table.add('new', 4);
  assert.equal(table.lookup('low'), null);
  assert.deepEqual(table.drainEvicted(), [{ name: 'low', value: 3, age: 5_000 }]);
  table.add('new2', 5);
  assert.equal(table.lookup('normal'), null);
  table.add('new3', 6);
  assert.equal(table.lookup('new'), null);
  assert.equal(table.lookup('high'), 1);
  assert.equal(table.stats().evictions, 3);
});

test('eviction: oldest insertion within priority', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock, capacity: 3 });
  table.add('a', 1);
  table.add('b', 2);
  table.add('c', 3);
  table.replace('a', 10);
  table.add('d', 4);
  assert.equal(table.lookup('a'), null, 'overwriting does not move a key');
  assert.deepEqual([table.lookup('b'), table.lookup('c'), table.lookup('d')], [2, 3, 4]);
});

test('eviction: priority change moves key to newest', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock, capacity: 3 });
  table.add('a', 1, { priority: PRIORITY_LOW });
  table.add('b', 2, { priority: PRIORITY_LOW });
  table.add('c', 3, { priority: PRIORITY_HIGH });
  table.modify('c', 3, { priority: PRIORITY_LOW });
  table.add('d', 4);
  table.add('e', 5);
  assert.equal(table.lookup('a'), null);
  assert.equal(table.lookup('b'), null);
  assert.equal(table.lookup('c'), 3);
});

test('eviction: only notify keys are reported', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock, capacity: 1 });
  table.add('quiet', 1);
  table.add('loud', 2, { notify: true });
  table.add('third', 3);
  assert.deepEqual(table.drainEvicted(), [{ name: 'loud', value: 2, age: 0 }]);
  assert.deepEqual(table.drainEvicted(), []);
});

test('eviction: sweep delivers undrained evictions first', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock, capacity: 2 });
  table.add('stays', 's', { expire: 10, notify: true, priority: PRIORITY_HIGH });
  table.add('victim', 'x', { notify: true, priority: PRIORITY_LOW });
  clock.set(10_000);
  table.add('newcomer', 'n');
  clock.set(30_000);
  assert.deepEqual(table.sweep(), [
    { name: 'victim', value: 'x', age: 10_000 },
    { name: 'stays', value: 's', age: 30_000 },
  ]);
  assert.deepEqual(table.drainEvicted(), []);
});

test('eviction: many inserts keep capacity', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock, capacity: 1_000 });
  for (let i = 0; i < 10_000; i++) {
    table.replace(`key-${i}`, i, { priority: i % 3 === 0 ? PRIORITY_HIGH : PRIORITY_LOW });
  }
  assert.equal(table.size, 1_000);
  assert.equal(table.stats().evictions, 9_000);
  // 3,334 HIGH keys were written (every third), so only the newest 1,000 of them remain: 7002..9999.
  assert.equal(table.lookup('key-6999'), null);
  assert.equal(table.lookup('key-7002'), 7_002);
  assert.equal(table.lookup('key-9999'), 9_999);
  assert.equal(table.lookup('key-9998'), null);
});

test('eviction: report queue is bounded', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock, capacity: 2 });
  for (let i = 0; i < 10; i++) table.add(`k${i}`, i, { notify: true });
  const reports = table.drainEvicted();
  assert.equal(reports.length, 2);
  assert.deepEqual(reports.map((report) => report.name), ['k6', 'k7']);
  assert.equal(table.stats().evictedReportsDropped, 6);
});

test('eviction: long overflow keeps newest reports', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock, capacity: 100 });
  for (let i = 0; i < 5_100; i++) table.add(`k${i}`, i, { notify: true });
  const reports = table.drainEvicted();
  assert.equal(reports.length, 100);
  assert.equal(reports[0]?.name, 'k4900');
  assert.equal(reports[99]?.name, 'k4999');
  assert.equal(table.stats().evictedReportsDropped, 4_900);
});
