import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '@triggerbox/core';
import { SessionTable, bucketBoundaryMs } from '../src/index.js';

test('bucketBoundaryMs: rounds deadlines up', () => {
  assert.equal(bucketBoundaryMs(0), 0);
  assert.equal(bucketBoundaryMs(1), 30_000);
  assert.equal(bucketBoundaryMs(30_000), 30_000);
  assert.equal(bucketBoundaryMs(30_000.5), 60_000);
  assert.equal(bucketBoundaryMs(65_000), 90_000);
});

test('expiry: 50 s key added at 15 s', () => {
  // Deadline 65 s rounds up to the 90 s boundary, so the key leaves 75 s after it was added.
  const clock = new VirtualClock(15_000);
  const table = new SessionTable({ clock });
  table.add('k', 'v', { expire: 50, notify: true });
  assert.equal(table.nextSweepAtMs(), 90_000);

  clock.set(60_000);
  assert.deepEqual(table.sweep(), []);
  assert.equal(table.lookup('k'), 'v');

  clock.set(89_999);
  assert.deepEqual(table.sweep(), []);
  assert.equal(table.lookup('k'), 'v');

  clock.set(90_000);
  assert.deepEqual(table.sweep(), [{ name: 'k', value: 'v', age: 75_000 }]);
  assert.equal(table.lookup('k'), null);
  assert.equal(table.nextSweepAtMs(), null);
});

test('expiry: 50 s key added at boundary', () => {
  // Added at 30 s, deadline 80 s, boundary 90 s: lifetime 60 s.
  const clock = new VirtualClock(30_000);
  const table = new SessionTable({ clock });
  table.add('k', 1, { expire: 50 });
  clock.set(60_000);
  table.sweep();
  assert.equal(table.lookup('k'), 1);
  clock.set(90_000);
  table.sweep();
  assert.equal(table.lookup('k'), null);
});

test('expiry: never earlier than requested', () => {
  // For start times across one cycle, the key must survive every sweep before its deadline
  // and be gone after the first sweep at or after it, less than 30 s late.
  for (let startMs = 0; startMs < 30_000; startMs += 2_500) {
    const clock = new VirtualClock(startMs);
    const table = new SessionTable({ clock });
    table.add('k', 'v', { expire: 50 });
    const deadlineMs = startMs + 50_000;

    let goneAtMs: number | null = null;
    for (let boundaryMs = 30_000; boundaryMs <= 150_000 && goneAtMs === null; boundaryMs += 30_000) {
      clock.set(boundaryMs);
      table.sweep();
      if (table.lookup('k') === null) goneAtMs = boundaryMs;
    }
    assert.ok(goneAtMs !== null, `start ${startMs}: key never left`);
    assert.ok(goneAtMs >= deadlineMs, `start ${startMs}: left at ${goneAtMs}, before ${deadlineMs}`);
    assert.ok(goneAtMs - deadlineMs < 30_000, `start ${startMs}: left at ${goneAtMs}, too late`);
  }
});

test('expiry: zero expire leaves at next boundary', () => {
  const clock = new VirtualClock(31_000);
  const table = new SessionTable({ clock });
  table.add('k', 'v', { expire: 0, notify: true });
  assert.equal(table.lookup('k'), 'v');
  assert.equal(table.nextSweepAtMs(), 60_000);
  clock.set(59_000);
  assert.equal(table.sweep().length, 0);
  clock.set(60_000);
  assert.equal(table.sweep().length, 1);
});

test('expiry: only notify keys are reported', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock });
  table.add('quiet', 1, { expire: 10 });
  table.add('loud', 2, { expire: 10, notify: true });
  clock.set(30_000);
  assert.deepEqual(table.sweep(), [{ name: 'loud', value: 2, age: 30_000 }]);
  assert.equal(table.lookup('quiet'), null);
  assert.equal(table.stats().expired, 2);
});

test('expiry: reports ordered by deadline then insertion', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock });
  table.add('c', 'c', { expire: 20, notify: true });
  table.add('a', 'a', { expire: 10, notify: true });
  table.add('b', 'b', { expire: 10, notify: true });
  table.add('later', 'x', { expire: 45, notify: true });
  table.add('d', 'd', { expire: 5, notify: true });
  clock.set(60_000);
  assert.deepEqual(
    table.sweep().map((report) => report.name),
    ['d', 'a', 'b', 'c', 'later'],
  );
});

test('expiry: modify without expire keeps deadline', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock });
  table.add('k', 1, { expire: 20, notify: true });
  clock.set(15_000);
  table.modify('k', 2, { priority: 2 });
  clock.set(30_000);
  assert.deepEqual(table.sweep(), [{ name: 'k', value: 2, age: 30_000 }]);
});

test('expiry: replace with expire restarts age', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock });
  table.add('k', 1, { expire: 20, notify: true });
  clock.set(25_000);
  table.replace('k', 2, { expire: 20 });
  assert.equal(table.nextSweepAtMs(), 60_000);
  clock.set(30_000);
  assert.deepEqual(table.sweep(), []);
  clock.set(60_000);
  assert.deepEqual(table.sweep(), [{ name: 'k', value: 2, age: 35_000 }]);
});

test('expiry: expire null stops expiry', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock });
  table.add('k', 1, { expire: 20 });
  table.modify('k', 1, { expire: null });
  assert.equal(table.nextSweepAtMs(), null);
  clock.set(120_000);
  table.sweep();
  assert.equal(table.lookup('k'), 1);
});

test('expiry: removed key is not reported', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock });
  table.add('k', 1, { expire: 20, notify: true });
  table.remove('k');
  assert.equal(table.nextSweepAtMs(), null);
  clock.set(30_000);
  assert.deepEqual(table.sweep(), []);
});

test('expiry: late sweep takes several buckets', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock });
  table.add('b', 'b', { expire: 70, notify: true });
  table.add('a', 'a', { expire: 10, notify: true });
  table.add('never', 'n', { notify: true });
  clock.set(300_000);
  assert.deepEqual(table.sweep().map((report) => report.name), ['a', 'b']);
  assert.equal(table.size, 1);
});

test('nextSweepAtMs: skips emptied buckets', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock });
  table.add('early', 1, { expire: 10 });
  table.add('late', 1, { expire: 100 });
  assert.equal(table.nextSweepAtMs(), 30_000);
  table.remove('early');
  assert.equal(table.nextSweepAtMs(), 120_000);
});

test('expiry: new deadline in same bucket', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock });
  table.add('a', 'a', { expire: 10, notify: true });
  table.add('b', 'b', { expire: 5, notify: true });
  clock.set(1_000);
  table.replace('a', 'a2', { expire: 2 });
  assert.equal(table.nextSweepAtMs(), 30_000);
  clock.set(30_000);
  assert.deepEqual(table.sweep(), [
    { name: 'a', value: 'a2', age: 29_000 },
    { name: 'b', value: 'b', age: 30_000 },
  ]);
});

test('expiry: memcached rewrite moves bucket', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock });
  table.storeItem('k', Buffer.from('1'), 0, { kind: 'at', atMs: 10_000 });
  table.storeItem('k', Buffer.from('2'), 0, { kind: 'at', atMs: 70_000 });
  assert.equal(table.nextSweepAtMs(), 90_000);
  table.storeItem('k', Buffer.from('3'), 0, { kind: 'never' });
  assert.equal(table.nextSweepAtMs(), null);
  table.storeItem('k', Buffer.from('4'), 0, { kind: 'at', atMs: 20_000 });
  clock.set(30_000);
  assert.deepEqual(table.sweep(), [{ name: 'k', value: '4', age: 30_000 }]);
});
