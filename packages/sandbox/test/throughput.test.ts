import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorld, dnsRequest, findRow, START_MS } from './helpers.js';

/**
 * A floor far below the figure measured with scripts/bench-count-events.mjs (about 460,000 events/s
 * on a shared 2-core AMD EPYC VM), so only a large slowdown fails the test.
 */
const MIN_EVENTS_PER_SECOND = 50_000;

test('throughput: counting trigger with 512-event batches', async (t) => {
  const world = await createWorld();
  try {
    const file = await world.write('count.js', "//Events: DNS_REQUEST\nNetwork.metricAddCount('events', 1);\n");
    await world.engine.load([file]);
    const batch = Array.from({ length: 512 }, (_, index) => dnsRequest('www.example.com', START_MS + index));
    const batches = 200;

    const startedAt = process.hrtime.bigint();
    for (let round = 0; round < batches; round++) await world.engine.fire(batch);
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;

    const perSecond = Math.round((batches * batch.length) / seconds);
    t.diagnostic(`${perSecond} events/s`);
    assert.equal(findRow(world.metrics, 'events')?.value, batches * batch.length);
    assert.ok(perSecond >= MIN_EVENTS_PER_SECOND, `${perSecond} events/s is below ${MIN_EVENTS_PER_SECOND}`);
  } finally {
    await world.close();
  }
});
