import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorld, dnsRequest, findRow, START_MS } from './helpers.js';

// Speed is measured by scripts/bench-count-events.mjs, never asserted here: this test only checks
// that many full batches reach the trigger without losing an event.
test('batches: counting trigger sees every event', async () => {
  const world = await createWorld();
  try {
    const file = await world.write('count.js', "//Events: DNS_REQUEST\nNetwork.metricAddCount('events', 1);\n");
    await world.engine.load([file]);
    const batch = Array.from({ length: 512 }, (_, index) => dnsRequest('www.example.com', START_MS + index));
    const batches = 200;

    for (let round = 0; round < batches; round++) await world.engine.fire(batch);

    assert.equal(findRow(world.metrics, 'events')?.value, batches * batch.length);
  } finally {
    await world.close();
  }
});
