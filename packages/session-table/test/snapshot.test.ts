import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock, createLogger } from '@triggerbox/core';
import { SessionTable, PRIORITY_HIGH, PRIORITY_LOW, type TableSnapshot } from '../src/index.js';

test('snapshot: JSON round trip keeps everything', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock });
  table.add('obj', { list: [1, 'two'], nested: { ok: true } }, { expire: 100, notify: true, priority: PRIORITY_HIGH });
  table.add('num', 12.5, { priority: PRIORITY_LOW });
  table.add('nan', Number.NaN);
  const bytesCas = table.storeItem('bin', Buffer.from([0, 1, 2, 255]), 42, { kind: 'at', atMs: 50_000 });
  clock.set(20_000);

  const text = JSON.stringify(table.snapshot());
  const laterClock = new VirtualClock(500_000);
  const restored = new SessionTable({ clock: laterClock });
  restored.restore(JSON.parse(text) as TableSnapshot);

  assert.deepEqual(restored.lookup('obj'), { list: [1, 'two'], nested: { ok: true } });
  assert.deepEqual(restored.getOptions('obj'), { expire: 100, notify: true, priority: PRIORITY_HIGH });
  assert.equal(restored.lookup('num'), 12.5);
  assert.ok(Number.isNaN(restored.lookup('nan')));
  const item = restored.getItem('bin');
  assert.ok(item);
  assert.deepEqual([...item.data], [0, 1, 2, 255]);
  assert.equal(item.flags, 42);
  assert.equal(item.cas, bytesCas);
  // 30 s remained for 'bin' and 80 s for 'obj' when the snapshot was taken.
  assert.equal(item.expiresAtMs, 530_000);
  assert.equal(restored.nextSweepAtMs(), 540_000);
  assert.ok(restored.nextCas() > bytesCas);
});

test('snapshot: ages continue after restore', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock });
  table.add('k', 'v', { expire: 50, notify: true });
  clock.set(20_000);
  const snapshot = table.snapshot();

  const laterClock = new VirtualClock(1_000_000);
  const restored = new SessionTable({ clock: laterClock });
  restored.restore(snapshot);
  // 30 s remained, so the deadline is 1,030,000 and its bucket boundary 1,050,000.
  assert.equal(restored.nextSweepAtMs(), 1_050_000);
  laterClock.set(1_050_000);
  assert.deepEqual(restored.sweep(), [{ name: 'k', value: 'v', age: 70_000 }]);
});

test('snapshot: keeps eviction order', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock, capacity: 3 });
  table.add('a', 1);
  table.add('b', 2);
  table.add('c', 3);
  table.modify('a', 1, { priority: PRIORITY_LOW });
  table.modify('a', 1, { priority: 1 });
  const restored = new SessionTable({ clock, capacity: 3 });
  restored.restore(table.snapshot());
  restored.add('d', 4);
  assert.equal(restored.lookup('b'), null);
  assert.equal(restored.lookup('a'), 1);
});

test('snapshot: cyclic value saved as text', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock });
  const cyclic: Record<string, unknown> = { name: 'loop' };
  cyclic.self = cyclic;
  table.add('cyclic', cyclic);
  table.add('big', 2n ** 70n);
  const snapshot = JSON.parse(JSON.stringify(table.snapshot())) as TableSnapshot;
  assert.deepEqual(snapshot.entries.map((entry) => entry.encoding), ['text', 'text']);
  const restored = new SessionTable({ clock });
  restored.restore(snapshot);
  assert.equal(restored.lookup('big'), '1180591620717411303424');
});

test('restore: invalid snapshot leaves table unchanged', () => {
  const clock = new VirtualClock(0);
  const table = new SessionTable({ clock });
  table.add('keep', 1);
  const good = table.snapshot();
  const broken = [
    null,
    { ...good, format: 'other' },
    { ...good, version: 2 },
    { ...good, nextCas: -1 },
    { ...good, entries: 'none' },
    { ...good, entries: [{ ...good.entries[0], key: '' }] },
    { ...good, entries: [{ ...good.entries[0], encoding: 'xml' }] },
    { ...good, entries: [{ ...good.entries[0], options: { expire: -1, notify: false, priority: 1 } }] },
    { ...good, entries: [{ ...good.entries[0], flags: 2 ** 32 }] },
  ];
  for (const snapshot of broken) {
    assert.throws(
      () => table.restore(snapshot as TableSnapshot),
      (error: Error & { code?: string }) => error.code === 'TB_ERR_SESSION_INVALID_SNAPSHOT',
      JSON.stringify(snapshot),
    );
  }
  assert.equal(table.lookup('keep'), 1);
});

test('snapshot: text fallback is logged', () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => lines.push(line) });
  const table = new SessionTable({ clock: new VirtualClock(0), logger });
  table.add('big', 5n);
  table.add('plain', 'x');
  table.snapshot();
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^warn session values saved as text .* count=1 firstKey=big$/);
});
