import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { TriggerboxError } from '@triggerbox/core';
import { createWorld, dnsRequest, findRow } from './helpers.js';

const version = (tag: string) => `//Name: Versioned\n//Events: DNS_REQUEST\nNetwork.metricAddCount("${tag}", 1);\n`;

test('reload: replaces the running version', async () => {
  const world = await createWorld();
  try {
    const first = await world.write('a-first.js', '//Events: DNS_REQUEST\nNetwork.metricAddCount("first", 1);\n');
    const file = await world.write('versioned.js', version('v1'));
    await world.engine.load([file, first]);
    await world.engine.fire([dnsRequest('a.example')]);

    await world.write('versioned.js', version('v2'));
    const info = await world.engine.reload(file);
    assert.equal(info.name, 'Versioned');
    assert.equal(info.runs, 0, 'counters start again with the new version');
    await world.engine.fire([dnsRequest('a.example')]);

    assert.equal(findRow(world.metrics, 'v1')?.value, 1);
    assert.equal(findRow(world.metrics, 'v2')?.value, 1);
    assert.deepEqual(world.engine.triggers().map((trigger) => trigger.name), ['Versioned', 'a-first'], 'load order is kept');
  } finally {
    await world.close();
  }
});

test('reload: broken version keeps the last good', async () => {
  const world = await createWorld();
  try {
    const file = await world.write('versioned.js', version('good'));
    await world.engine.load([file]);
    await world.engine.fire([dnsRequest('a.example')]);

    await world.write('versioned.js', '//Name: Versioned\n//Events: DNS_REQUEST\nNetwork.metricAddCount("bad", 1;\n');
    await assert.rejects(world.engine.reload(file), (error: unknown) => {
      assert.ok(error instanceof TriggerboxError);
      assert.equal(error.code, 'TB_ERR_SANDBOX_SYNTAX');
      assert.ok(error.message.includes(`${file}:3:`), error.message);
      return true;
    });
    await world.engine.fire([dnsRequest('b.example')]);

    assert.equal(findRow(world.metrics, 'good')?.value, 2, 'the previous version still runs');
    assert.equal(findRow(world.metrics, 'bad'), undefined);
    const [info] = world.engine.triggers();
    assert.equal(info?.runs, 2);
    assert.equal(info?.lastError?.code, 'TB_ERR_SANDBOX_SYNTAX');
    assert.equal(info?.lastError?.line, 3);
    assert.ok(world.logs.some((line) => line.includes('the previous version keeps running')));

    await rm(file);
    await assert.rejects(world.engine.reload(file), { code: 'TB_ERR_SANDBOX_FILE_READ' });
    assert.equal(world.engine.triggers().length, 1, 'a deleted file keeps running until unloaded');
  } finally {
    await world.close();
  }
});

test('reload: loads a new file', async () => {
  const world = await createWorld();
  try {
    const file = await world.write('fresh.js', version('fresh'));
    const info = await world.engine.reload(file);
    await world.engine.fire([dnsRequest('a.example')]);

    assert.equal(info.name, 'Versioned');
    assert.equal(findRow(world.metrics, 'fresh')?.value, 1);
  } finally {
    await world.close();
  }
});

test('unload: stops the trigger', async () => {
  const world = await createWorld();
  try {
    const file = await world.write('versioned.js', version('counted'));
    await world.engine.load([file]);
    await world.engine.fire([dnsRequest('a.example')]);
    world.engine.unload(file);
    world.engine.unload(file);
    await world.engine.fire([dnsRequest('b.example')]);

    assert.equal(findRow(world.metrics, 'counted')?.value, 1);
    assert.deepEqual(world.engine.triggers(), []);
    await world.engine.load([file]);
    assert.equal(world.engine.triggers().length, 1, 'an unloaded file can be loaded again');
  } finally {
    await world.close();
  }
});

test('close: rejects further calls', async () => {
  const world = await createWorld();
  const file = await world.write('versioned.js', version('x'));
  await world.engine.load([file]);
  await world.close();

  await assert.rejects(world.engine.fire([dnsRequest('a.example')]), { code: 'TB_ERR_SANDBOX_CLOSED' });
  await assert.rejects(world.engine.load([file]), { code: 'TB_ERR_SANDBOX_CLOSED' });
});
