import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock, cycleStart, CYCLE_MS } from '../src/index.js';

test('VirtualClock: never runs backwards', () => {
  const clock = new VirtualClock(1_000);
  clock.set(500);
  assert.equal(clock.nowMs(), 1_000);
  clock.set(2_500);
  assert.equal(clock.nowMs(), 2_500);
  clock.advance(-10);
  assert.equal(clock.nowMs(), 2_500);
});

test('cycleStart: rounds down to 30 s boundaries', () => {
  assert.equal(CYCLE_MS, 30_000);
  assert.equal(cycleStart(59_999), 30_000);
  assert.equal(cycleStart(60_000), 60_000);
  assert.equal(cycleStart(0), 0);
});
