import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TriggerboxError } from '@triggerbox/core';
import { createWorld, dnsRequest, findRow } from './helpers.js';

test('syntax error: reports file, line and column', async () => {
  const world = await createWorld();
  try {
    const file = await world.write('broken.js', [
      '//Name: Broken',
      '//Events: DNS_REQUEST',
      '',
      'var ok = 1;',
      'var score = Session.lookup("x") +;',
    ].join('\n'));
    await assert.rejects(world.engine.load([file]), (error: unknown) => {
      assert.ok(error instanceof TriggerboxError);
      assert.equal(error.code, 'TB_ERR_SANDBOX_SYNTAX');
      assert.match(error.message, /^Broken: SyntaxError: Unexpected token ';' at /);
      assert.ok(error.message.endsWith(`${file}:5:34`), error.message);
      assert.deepEqual((error as unknown as { position: unknown }).position, { file, line: 5, column: 34 });
      return true;
    });
  } finally {
    await world.close();
  }
});

test('runtime error: reports line and event', async () => {
  const world = await createWorld();
  try {
    const file = await world.write('thrower.js', [
      '//Name: Thrower',
      '//Events: DNS_REQUEST',
      'var name = DNS.qname;',
      'if (name === "bad.example") {',
      '    var parts = null; parts.length;',
      '}',
    ].join('\n'));
    await world.engine.load([file]);
    await world.engine.fire([dnsRequest('bad.example'), dnsRequest('bad.example')]);

    const [info] = world.engine.triggers();
    assert.equal(info?.runs, 2);
    assert.equal(info?.errors, 2);
    assert.equal(info?.lastError?.code, 'TB_ERR_SANDBOX_SCRIPT_ERROR');
    assert.equal(info?.lastError?.line, 5);
    assert.equal(info?.lastError?.column, 29);
    assert.equal(info?.lastError?.event, 'DNS_REQUEST');
    assert.equal(info?.lastError?.file, file);
    assert.equal(info?.lastError?.message, `Thrower: TypeError: Cannot read properties of null (reading 'length') at ${file}:5:29`);

    const logged = world.logs.filter((line) => line.includes('Cannot read properties of null'));
    assert.equal(logged.length, 1, 'the identical error is logged once per 30 s of clock time');
    world.clock.advance(30_000);
    await world.engine.fire([dnsRequest('bad.example')]);
    const loggedAgain = world.logs.filter((line) => line.includes('Cannot read properties of null'));
    assert.equal(loggedAgain.length, 2);
    assert.match(loggedAgain[1] ?? '', /repeatsNotShown=1/);
  } finally {
    await world.close();
  }
});

test('runtime error: thrown value without stack', async () => {
  const world = await createWorld();
  try {
    const file = await world.write('throwstring.js', '//Events: DNS_REQUEST\nthrow "plain text";\n');
    await world.engine.load([file]);
    await world.engine.fire([dnsRequest('a.example')]);

    const error = world.engine.triggers()[0]?.lastError;
    assert.equal(error?.message, 'throwstring: Error: uncaught value thrown: plain text');
    assert.equal(error?.line, undefined);
  } finally {
    await world.close();
  }
});

test('throw: other events and triggers run', async () => {
  const world = await createWorld();
  try {
    const thrower = await world.write('a-thrower.js', [
      '//Events: DNS_REQUEST',
      'if (DNS.qname === "bad.example") throw new Error("rejected " + DNS.qname);',
      'Network.metricAddCount("thrower_ok", 1);',
    ].join('\n'));
    const counter = await world.write('b-counter.js', '//Events: DNS_REQUEST\nNetwork.metricAddCount("counter", 1);\n');
    await world.engine.load([thrower, counter]);
    await world.engine.fire([dnsRequest('good.example'), dnsRequest('bad.example'), dnsRequest('good.example')]);

    assert.equal(findRow(world.metrics, 'thrower_ok')?.value, 2);
    assert.equal(findRow(world.metrics, 'counter')?.value, 3);
    const [throwerInfo, counterInfo] = world.engine.triggers();
    assert.equal(throwerInfo?.errors, 1);
    assert.equal(throwerInfo?.lastError?.message, `a-thrower: Error: rejected bad.example at ${thrower}:2:40`);
    assert.equal(counterInfo?.errors, 0);
  } finally {
    await world.close();
  }
});

test('api error: names trigger, method and value', async () => {
  const world = await createWorld();
  try {
    const file = await world.write('badcount.js', [
      '//Name: DNSReputation',
      '//Events: DNS_REQUEST',
      'Application("x").metricAddCount("hits", -1);',
    ].join('\n'));
    await world.engine.load([file]);
    await world.engine.fire([dnsRequest('a.example')]);

    const error = world.engine.triggers()[0]?.lastError;
    assert.equal(error?.code, 'TB_ERR_SANDBOX_INVALID_ARGUMENT');
    assert.equal(error?.message, `DNSReputation: Application("x").metricAddCount: count must be a positive integer, got -1 at ${file}:3:18`);
    assert.equal(error?.line, 3);
  } finally {
    await world.close();
  }
});

test('timeout: endless loop stops one run', async () => {
  const world = await createWorld({ timeoutMs: 100 });
  try {
    const looper = await world.write('a-looper.js', [
      '//Events: DNS_REQUEST',
      'if (DNS.qname === "loop.example") { for (;;) {} }',
      'Network.metricAddCount("looper_done", 1);',
    ].join('\n'));
    const counter = await world.write('b-counter.js', '//Events: DNS_REQUEST\nNetwork.metricAddCount("counter", 1);\n');
    await world.engine.load([looper, counter]);

    const startedAt = process.hrtime.bigint();
    await world.engine.fire([dnsRequest('a.example'), dnsRequest('loop.example'), dnsRequest('b.example')]);
    const elapsedMs = Number(process.hrtime.bigint() - startedAt) / 1e6;

    assert.equal(findRow(world.metrics, 'looper_done')?.value, 2, 'events before and after the stuck one still run');
    assert.equal(findRow(world.metrics, 'counter')?.value, 3);
    const info = world.engine.triggers()[0];
    assert.equal(info?.runs, 3);
    assert.equal(info?.errors, 1);
    assert.equal(info?.lastError?.code, 'TB_ERR_SANDBOX_TIMEOUT');
    assert.equal(info?.lastError?.event, 'DNS_REQUEST');
    assert.match(info?.lastError?.message ?? '', /^a-looper: the run on DNS_REQUEST timed out after 100 ms/);
    assert.ok(elapsedMs >= 100, `the loop ran its full budget, ${elapsedMs} ms`);
  } finally {
    await world.close();
  }
});

test('timeout: repeated faults skip the batch', async () => {
  const world = await createWorld({ timeoutMs: 30 });
  try {
    const looper = await world.write('looper.js', [
      '//Events: DNS_REQUEST',
      'if (DNS.qname === "loop.example") { for (;;) {} }',
      'Network.metricAddCount("done", 1);',
    ].join('\n'));
    await world.engine.load([looper]);
    const loops = Array.from({ length: 5 }, () => dnsRequest('loop.example'));
    await world.engine.fire([...loops, dnsRequest('a.example')]);

    const info = world.engine.triggers()[0];
    assert.equal(info?.runs, 3);
    assert.equal(info?.errors, 4);
    assert.equal(info?.lastError?.code, 'TB_ERR_SANDBOX_EVENTS_SKIPPED');
    assert.match(info?.lastError?.message ?? '', /skipped its remaining 3 events/);
    assert.equal(findRow(world.metrics, 'done'), undefined);

    await world.engine.fire([dnsRequest('a.example')]);
    assert.equal(findRow(world.metrics, 'done')?.value, 1, 'the next batch runs normally');
  } finally {
    await world.close();
  }
});

test('memory: blow-up rebuilds the isolate', async () => {
  const world = await createWorld({ memoryLimitMb: 16, timeoutMs: 5_000 });
  try {
    const hog = await world.write('a-hog.js', [
      '//Events: DNS_REQUEST',
      'var kept = cache("kept", function () { return { loads: 0 }; });',
      'kept.loads++;',
      'Network.metricAddSnap("cache_loads", kept.loads);',
      'if (DNS.qname === "hog.example") {',
      '    var chunks = [];',
      '    for (;;) chunks.push(new Array(100000).fill(7));',
      '}',
      'Network.metricAddCount("hog_done", 1);',
    ].join('\n'));
    const counter = await world.write('b-counter.js', '//Events: DNS_REQUEST\nNetwork.metricAddCount("counter", 1);\n');
    await world.engine.load([hog, counter]);
    await world.engine.fire([dnsRequest('a.example'), dnsRequest('a.example'), dnsRequest('hog.example'), dnsRequest('b.example')]);

    const info = world.engine.triggers()[0];
    assert.equal(info?.lastError?.code, 'TB_ERR_SANDBOX_MEMORY_LIMIT');
    assert.match(info?.lastError?.message ?? '', /exceeded the isolate memory limit of 16 MB/);
    assert.equal(findRow(world.metrics, 'hog_done')?.value, 1, 'the event after the blow-up ran in a new isolate');
    assert.equal(findRow(world.metrics, 'cache_loads')?.value, 1, 'the new isolate starts with an empty cache');
    assert.equal(findRow(world.metrics, 'counter')?.value, 4);
    assert.ok(world.logs.some((line) => line.includes('trigger isolate rebuilt')));
  } finally {
    await world.close();
  }
});

test('stack overflow: reported with its line', async () => {
  const world = await createWorld();
  try {
    const file = await world.write('recurse.js', [
      '//Events: DNS_REQUEST',
      'function depth(n) {',
      '    return depth(n + 1) + 1;',
      '}',
      'depth(0);',
    ].join('\n'));
    await world.engine.load([file]);
    await world.engine.fire([dnsRequest('a.example'), dnsRequest('b.example')]);

    const info = world.engine.triggers()[0];
    assert.equal(info?.runs, 2);
    assert.equal(info?.errors, 2);
    assert.equal(info?.lastError?.code, 'TB_ERR_SANDBOX_STACK_OVERFLOW');
    assert.equal(info?.lastError?.line, 3);
    assert.match(info?.lastError?.message ?? '', /RangeError: Maximum call stack size exceeded/);
  } finally {
    await world.close();
  }
});
