import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '@triggerbox/core';
import { SessionTable, PRIORITY_LOW, PRIORITY_NORMAL } from '../src/index.js';

const NEVER = { kind: 'never' } as const;

function newTable(startMs = 1_000_000): { table: SessionTable; clock: VirtualClock } {
  const clock = new VirtualClock(startMs);
  return { table: new SessionTable({ clock }), clock };
}

test('storeItem: value reaches triggers as string', () => {
  const { table } = newTable();
  table.storeItem('k', Buffer.from('héllo', 'utf8'), 7, NEVER);
  assert.equal(table.lookup('k'), 'héllo');
  const item = table.getItem('k');
  assert.ok(item);
  assert.equal(item.data.toString('utf8'), 'héllo');
  assert.equal(item.flags, 7);
  assert.equal(item.expiresAtMs, null);
});

test('storeItem: copies the caller buffer', () => {
  const { table } = newTable();
  const data = Buffer.from('abc');
  table.storeItem('k', data, 0, NEVER);
  data.write('xyz');
  assert.equal(table.getItem('k')?.data.toString(), 'abc');
});

test('storeItem: sets normal priority and notify', () => {
  const { table } = newTable();
  table.add('k', 1, { priority: PRIORITY_LOW, notify: false, expire: 5 });
  table.storeItem('k', Buffer.from('2'), 0, NEVER);
  assert.deepEqual(table.getOptions('k'), { expire: null, notify: true, priority: PRIORITY_NORMAL });
});

test('storeItem: each store gets a new cas', () => {
  const { table } = newTable();
  const first = table.storeItem('k', Buffer.from('1'), 0, NEVER);
  const second = table.storeItem('k', Buffer.from('2'), 0, NEVER);
  assert.ok(first > 0n);
  assert.ok(second > first);
  assert.equal(table.getItem('k')?.cas, second);
  table.replace('k', 'from trigger');
  assert.ok((table.getItem('k')?.cas ?? 0n) > second, 'a trigger write changes the cas');
});

test('storeItem: expired removes at once', () => {
  const { table } = newTable();
  table.storeItem('k', Buffer.from('v'), 0, NEVER);
  const cas = table.storeItem('k', Buffer.from('w'), 0, { kind: 'expired' });
  assert.ok(cas > 0n);
  assert.equal(table.getItem('k'), null);
  assert.equal(table.lookup('k'), null);
  assert.equal(table.storeItem('other', Buffer.from('w'), 0, { kind: 'expired' }) > cas, true);
  assert.equal(table.size, 0);
});

test('storeItem: past absolute time removes at once', () => {
  const { table } = newTable(1_000_000);
  table.storeItem('k', Buffer.from('v'), 0, NEVER);
  table.storeItem('k', Buffer.from('w'), 0, { kind: 'at', atMs: 999_000 });
  assert.equal(table.lookup('k'), null);
});

test('getItem: past deadline reads as absent', () => {
  const { table, clock } = newTable(0);
  table.storeItem('k', Buffer.from('v'), 0, { kind: 'at', atMs: 10_000 });
  assert.equal(table.getItem('k')?.expiresAtMs, 10_000);
  clock.set(9_999);
  assert.ok(table.getItem('k'));
  clock.set(10_000);
  assert.equal(table.getItem('k'), null);
  assert.equal(table.lookup('k'), 'v', 'triggers read it until the sweep');
  clock.set(30_000);
  assert.deepEqual(table.sweep(), [{ name: 'k', value: 'v', age: 30_000 }]);
  assert.equal(table.lookup('k'), null);
});

test('getItem: renders trigger values as text', () => {
  const { table } = newTable();
  const cases: [unknown, string][] = [
    ['plain text', 'plain text'],
    [42, '42'],
    [-0.5, '-0.5'],
    [1e21, '1e+21'],
    [true, 'true'],
    [false, 'false'],
    [null, 'null'],
    [{ a: [1, 'x'], b: null }, '{"a":[1,"x"],"b":null}'],
    [[1, 2], '[1,2]'],
    [7n, '7'],
  ];
  cases.forEach(([value, text], index) => {
    table.replace(`k${index}`, value);
    const item = table.getItem(`k${index}`);
    assert.ok(item, `k${index}`);
    assert.equal(item.data.toString('utf8'), text, `value ${String(value)}`);
    assert.equal(item.flags, 0);
  });
});

test('getItem: cached view follows changes', () => {
  const { table } = newTable();
  table.add('k', { n: 1 });
  const first = table.getItem('k');
  assert.equal(table.getItem('k'), first);
  table.replace('k', { n: 2 });
  assert.equal(table.getItem('k')?.data.toString(), '{"n":2}');
});

test('touchItem: changes expiry and keeps cas', () => {
  const { table, clock } = newTable(0);
  const cas = table.storeItem('k', Buffer.from('v'), 0, { kind: 'at', atMs: 10_000 });
  clock.set(5_000);
  assert.equal(table.touchItem('k', { kind: 'at', atMs: 100_000 }), true);
  const item = table.getItem('k');
  assert.equal(item?.cas, cas);
  assert.equal(item?.expiresAtMs, 100_000);
  assert.equal(table.nextSweepAtMs(), 120_000);
  assert.equal(table.touchItem('missing', NEVER), false);
});

test('touchItem: expired removes the key', () => {
  const { table } = newTable();
  table.storeItem('k', Buffer.from('v'), 0, NEVER);
  assert.equal(table.touchItem('k', { kind: 'expired' }), true);
  assert.equal(table.lookup('k'), null);
});

test('touchItem: past-deadline key is not found', () => {
  const { table, clock } = newTable(0);
  table.storeItem('k', Buffer.from('v'), 0, { kind: 'at', atMs: 1_000 });
  clock.set(2_000);
  assert.equal(table.touchItem('k', NEVER), false);
});

test('deleteItem: deletes without report', () => {
  const { table, clock } = newTable(0);
  table.storeItem('k', Buffer.from('v'), 0, { kind: 'at', atMs: 10_000 });
  assert.equal(table.deleteItem('k'), true);
  assert.equal(table.deleteItem('k'), false);
  clock.set(60_000);
  assert.deepEqual(table.sweep(), []);
});

test('deleteItem: past-deadline key still reported', () => {
  const { table, clock } = newTable(0);
  table.storeItem('k', Buffer.from('v'), 0, { kind: 'at', atMs: 10_000 });
  clock.set(20_000);
  assert.equal(table.deleteItem('k'), false);
  clock.set(30_000);
  assert.equal(table.sweep().length, 1);
});

test('items: memcached at deadline sets expire option', () => {
  const { table } = newTable(0);
  table.storeItem('k', Buffer.from('v'), 0, { kind: 'at', atMs: 45_500 });
  assert.deepEqual(table.getOptions('k'), { expire: 45.5, notify: true, priority: PRIORITY_NORMAL });
  assert.equal(table.nextSweepAtMs(), 60_000);
});

test('stats: counts items, bytes and stores', () => {
  const { table } = newTable();
  assert.deepEqual(table.stats(), {
    currItems: 0,
    totalItems: 0,
    evictions: 0,
    expired: 0,
    bytes: 0,
    capacity: 32_768,
    evictedReportsDropped: 0,
  });
  table.storeItem('k', Buffer.alloc(1_000), 0, NEVER);
  table.storeItem('k', Buffer.alloc(500), 0, NEVER);
  table.add('t', 'x'.repeat(100));
  const stats = table.stats();
  assert.equal(stats.currItems, 2);
  assert.equal(stats.totalItems, 3);
  assert.ok(stats.bytes >= 500 + 100, `bytes ${stats.bytes}`);
  assert.ok(stats.bytes < 2_000, `bytes ${stats.bytes}`);
  table.remove('k');
  table.remove('t');
  assert.equal(table.stats().bytes, 0);
});

test('increment: memcached string value throws', () => {
  const { table } = newTable();
  table.storeItem('n', Buffer.from('5'), 0, NEVER);
  assert.throws(() => table.increment('n'), /written through memcached/);
});

test('storeItem: same deadline keeps age', () => {
  const { table, clock } = newTable(0);
  table.storeItem('k', Buffer.from('1'), 0, { kind: 'at', atMs: 100_000 });
  clock.set(20_000);
  table.storeItem('k', Buffer.from('12'), 0, { kind: 'at', atMs: 100_000 });
  assert.deepEqual(table.getOptions('k'), { expire: 100, notify: true, priority: PRIORITY_NORMAL });
  clock.set(40_000);
  table.storeItem('k', Buffer.from('123'), 0, { kind: 'at', atMs: 110_000 });
  assert.deepEqual(table.getOptions('k'), { expire: 70, notify: true, priority: PRIORITY_NORMAL });
  clock.set(120_000);
  assert.deepEqual(table.sweep(), [{ name: 'k', value: '123', age: 80_000 }]);
});

test('storeItem: never on never keeps age', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock, capacity: 1 });
  table.storeItem('k', Buffer.from('1'), 0, NEVER);
  clock.set(50_000);
  table.storeItem('k', Buffer.from('2'), 0, NEVER);
  clock.set(60_000);
  table.add('other', 1);
  assert.deepEqual(table.drainEvicted(), [{ name: 'k', value: '2', age: 60_000 }]);
});
