#!/usr/bin/env node
// Measures the hot paths of the session table on the compiled package.
// Run `npm run build` first, then: node packages/session-table/bench/hot-paths.mjs [operations]
// Each case runs a fixed number of operations, so the script always ends by itself.
import { VirtualClock } from '@triggerbox/core';
import { SessionTable } from '@triggerbox/session-table';

const operations = Number(process.argv[2] ?? 1_000_000);
const keyCount = 30_000;
const keys = Array.from({ length: keyCount }, (_, index) => `key:${index}`);
const value100 = Buffer.alloc(100, 0x78);

function measure(name, count, operation) {
  const startNs = process.hrtime.bigint();
  for (let index = 0; index < count; index++) operation(index);
  const elapsedNs = Number(process.hrtime.bigint() - startNs);
  const perOpNs = elapsedNs / count;
  console.log(`${name.padEnd(44)} ${(1e9 / perOpNs).toFixed(0).padStart(10)} ops/s ${perOpNs.toFixed(0).padStart(9)} ns/op`);
}

const clock = new VirtualClock(1_700_000_000_000);
const table = new SessionTable({ clock });
const never = { kind: 'never' };
const inOneHour = { kind: 'at', atMs: clock.nowMs() + 3_600_000 };

console.log(`node ${process.version}, ${operations} operations per case, ${keyCount} keys`);
measure('storeItem 100 B, no expiry', operations, (i) => table.storeItem(keys[i % keyCount], value100, 0, never));
measure('storeItem 100 B, expiry in 1 h', operations, (i) => table.storeItem(keys[i % keyCount], value100, 0, inOneHour));
measure('getItem hit (memcached bytes)', operations, (i) => table.getItem(keys[i % keyCount]));
measure('lookup memcached value (string)', operations, (i) => table.lookup(keys[i % keyCount]));
measure('replace number', operations, (i) => table.replace(keys[i % keyCount], i));
measure('lookup number', operations, (i) => table.lookup(keys[i % keyCount]));
measure('replace {score, tags[2]}', operations / 4, (i) => table.replace(keys[i % keyCount], { score: i, tags: ['a', 'b'] }));
measure('lookup {score, tags[2]}', operations / 4, (i) => table.lookup(keys[i % keyCount]));
measure('structuredClone {score, tags[2]} (reference)', operations / 4, (i) => structuredClone({ score: i, tags: ['a', 'b'] }));
measure('getItem trigger object (JSON cached)', operations, (i) => table.getItem(keys[i % keyCount]));
measure('add new key, full table evicts', operations / 4, (i) => table.add(`new:${i}`, i, { expire: 60 }));

