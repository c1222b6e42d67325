import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '@triggerbox/core';
import { SessionTable, PRIORITY_HIGH, PRIORITY_LOW, PRIORITY_NORMAL } from '../src/index.js';

function newTable(capacity?: number): { table: SessionTable; clock: VirtualClock } {
  const clock = new VirtualClock(1_000_000);
  return { table: new SessionTable({ clock, capacity }), clock };
}

test('add: stores when absent and returns value', () => {
  const { table } = newTable();
  assert.equal(table.add('k', 'v1'), 'v1');
  assert.equal(table.lookup('k'), 'v1');
  assert.equal(table.size, 1);
});

test('add: keeps existing value and returns it', () => {
  const { table } = newTable();
  table.add('k', { n: 1 });
  assert.deepEqual(table.add('k', { n: 2 }, { expire: 5 }), { n: 1 });
  assert.deepEqual(table.lookup('k'), { n: 1 });
  assert.deepEqual(table.getOptions('k'), { expire: null, notify: false, priority: PRIORITY_NORMAL });
});

test('lookup: absent key returns null', () => {
  const { table } = newTable();
  assert.equal(table.lookup('missing'), null);
});

test('lookup: returns copies of objects', () => {
  const { table } = newTable();
  const original = { list: [1, 2], nested: { a: 'x' } };
  table.add('k', original);
  original.list.push(3);
  const first = table.lookup('k') as { list: number[]; nested: { a: string } };
  assert.deepEqual(first, { list: [1, 2], nested: { a: 'x' } });
  first.nested.a = 'changed';
  assert.deepEqual(table.lookup('k'), { list: [1, 2], nested: { a: 'x' } });
});

test('replace: write-back makes mutation visible', () => {
  const { table } = newTable();
  table.add('k', { hits: 1 });
  const value = table.lookup('k') as { hits: number };
  value.hits += 1;
  assert.deepEqual(table.replace('k', value), { hits: 1 });
  assert.deepEqual(table.lookup('k'), { hits: 2 });
});

test('modify: absent key creates nothing', () => {
  const { table } = newTable();
  assert.equal(table.modify('k', 'v', { expire: 10 }), null);
  assert.equal(table.lookup('k'), null);
  assert.equal(table.getOptions('k'), null);
  assert.equal(table.size, 0);
});

test('modify: returns previous value', () => {
  const { table } = newTable();
  table.add('k', 'old');
  assert.equal(table.modify('k', 'new'), 'old');
  assert.equal(table.lookup('k'), 'new');
});

test('replace: inserts and returns null', () => {
  const { table } = newTable();
  assert.equal(table.replace('k', 42, { notify: true }), null);
  assert.equal(table.lookup('k'), 42);
  assert.deepEqual(table.getOptions('k'), { expire: null, notify: true, priority: PRIORITY_NORMAL });
});

test('remove: returns value and deletes', () => {
  const { table } = newTable();
  table.add('k', [1, 2, 3]);
  assert.deepEqual(table.remove('k'), [1, 2, 3]);
  assert.equal(table.lookup('k'), null);
  assert.equal(table.remove('k'), null);
  assert.equal(table.size, 0);
});

test('increment: adds count to numbers', () => {
  const { table } = newTable();
  table.add('n', 5);
  assert.equal(table.increment('n'), 6);
  assert.equal(table.increment('n', 10), 16);
  assert.equal(table.increment('n', -20), -4);
  assert.equal(table.increment('n', 0.5), -3.5);
  assert.equal(table.lookup('n'), -3.5);
});

test('increment: absent key returns null', () => {
  const { table } = newTable();
  assert.equal(table.increment('n', 3), null);
  assert.equal(table.lookup('n'), null);
  assert.equal(table.size, 0);
});

test('increment: non-number value throws', () => {
  const { table } = newTable();
  table.add('s', '5');
  assert.throws(() => table.increment('s'), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'TB_ERR_SESSION_NOT_A_NUMBER');
    assert.match(error.message, /key "s"/);
    assert.match(error.message, /string "5"/);
    return true;
  });
  assert.equal(table.lookup('s'), '5');
});

test('options: modify merges given options only', () => {
  const { table } = newTable();
  table.add('k', 1, { expire: 60, notify: true, priority: PRIORITY_HIGH });
  table.modify('k', 2, { priority: PRIORITY_LOW });
  assert.deepEqual(table.getOptions('k'), { expire: 60, notify: true, priority: PRIORITY_LOW });
  table.replace('k', 3, { notify: false });
  assert.deepEqual(table.getOptions('k'), { expire: 60, notify: false, priority: PRIORITY_LOW });
  table.replace('k', 4, { expire: null });
  assert.deepEqual(table.getOptions('k'), { expire: null, notify: false, priority: PRIORITY_LOW });
});

test('getOptions: returns a detached object', () => {
  const { table } = newTable();
  table.add('k', 1, { expire: 30 });
  const options = table.getOptions('k');
  assert.ok(options);
  options.expire = 999;
  assert.equal(table.getOptions('k')?.expire, 30);
});

test('values: primitives and null round-trip', () => {
  const { table } = newTable();
  const cases: [string, unknown][] = [
    ['string', 'text'],
    ['empty', ''],
    ['zero', 0],
    ['negative', -1.25],
    ['nan', Number.NaN],
    ['true', true],
    ['false', false],
    ['null', null],
    ['bigint', 12n],
  ];
  for (const [key, value] of cases) table.add(key, value);
  for (const [key, value] of cases) assert.deepEqual(table.lookup(key), value, key);
});

test('values: Date and Map survive copying', () => {
  const { table } = newTable();
  table.add('d', new Date(5_000));
  table.add('m', new Map([['a', 1]]));
  assert.ok(table.lookup('d') instanceof Date);
  assert.equal((table.lookup('d') as Date).getTime(), 5_000);
  assert.equal((table.lookup('m') as Map<string, number>).get('a'), 1);
});

test('values: cyclic objects keep their cycle', () => {
  const { table } = newTable();
  const cyclic: Record<string, unknown> = { name: 'loop' };
  cyclic.self = cyclic;
  table.add('k', cyclic);
  const copy = table.lookup('k') as Record<string, unknown>;
  assert.notEqual(copy, cyclic);
  assert.equal(copy.self, copy);
  assert.equal(copy.name, 'loop');
});

test('values: own __proto__ key stays a property', () => {
  const { table } = newTable();
  const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
  table.add('k', parsed);
  const copy = table.lookup('k') as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(copy), Object.prototype);
  assert.deepEqual(Object.keys(copy), ['__proto__', 'a']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('values: class instances become plain objects', () => {
  const { table } = newTable();
  class Point {
    constructor(
      public x: number,
      public y: number,
    ) {}
  }
  table.add('k', new Point(1, 2));
  const copy = table.lookup('k');
  assert.deepEqual(copy, { x: 1, y: 2 });
  assert.equal(copy instanceof Point, false);
});

test('values: deep nesting is copied', () => {
  const { table } = newTable();
  let deep: Record<string, unknown> = { leaf: true };
  for (let level = 0; level < 200; level++) deep = { next: deep };
  table.add('k', deep);
  let node = table.lookup('k') as Record<string, unknown>;
  for (let level = 0; level < 200; level++) node = node.next as Record<string, unknown>;
  assert.deepEqual(node, { leaf: true });
});
