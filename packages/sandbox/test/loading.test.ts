import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TriggerboxError } from '@triggerbox/core';
import { createWorld, dnsRequest, findRow } from './helpers.js';

test('header: reads name, events and debug', async () => {
  const world = await createWorld();
  try {
    const file = await world.write('whatever.js', [
      '//Configure the following trigger settings:',
      '//Name: DNSReputation',
      '//Debugging: Enabled',
      '//Events: DNS_REQUEST, DNS_RESPONSE',
      '',
      'debug("hello");',
    ].join('\n'));
    const [info] = await world.engine.load([file]);

    assert.equal(info?.name, 'DNSReputation');
    assert.deepEqual(info?.events, ['DNS_REQUEST', 'DNS_RESPONSE']);
    assert.equal(info?.debug, true);
    assert.equal(info?.file, file);
  } finally {
    await world.close();
  }
});

test('header: name defaults to file name', async () => {
  const world = await createWorld();
  try {
    const file = await world.write('count-queries.js', '// Events: dns_request\nNetwork.metricAddCount("q", 1);\n');
    const [info] = await world.engine.load([file]);

    assert.equal(info?.name, 'count-queries');
    assert.deepEqual(info?.events, ['DNS_REQUEST']);
    assert.equal(info?.debug, false);
  } finally {
    await world.close();
  }
});

test('header: missing events line fails', async () => {
  const world = await createWorld();
  try {
    const file = await world.write('noevents.js', '//Name: X\nNetwork.metricAddCount("q", 1);\n');
    await assert.rejects(world.engine.load([file]), (error: unknown) => {
      assert.ok(error instanceof TriggerboxError);
      assert.equal(error.code, 'TB_ERR_SANDBOX_EVENTS_MISSING');
      assert.match(error.message, /no \/\/Events: line/);
      assert.ok(error.message.includes(file));
      return true;
    });
    assert.deepEqual(world.engine.triggers(), []);
  } finally {
    await world.close();
  }
});

test('header: unknown event lists valid ones', async () => {
  const world = await createWorld();
  try {
    const file = await world.write('typo.js', '//Events: DNS_REQUEST, HTTP_REQUEST\n');
    await assert.rejects(world.engine.load([file]), (error: unknown) => {
      assert.ok(error instanceof TriggerboxError);
      assert.equal(error.code, 'TB_ERR_SANDBOX_UNKNOWN_EVENT');
      assert.match(error.message, /unknown event "HTTP_REQUEST"; the valid events are DNS_REQUEST, DNS_RESPONSE, SESSION_EXPIRE, TIMER_30SEC, REMOTE_RESPONSE/);
      return true;
    });
  } finally {
    await world.close();
  }
});

test('header: invalid debugging value fails', async () => {
  const world = await createWorld();
  try {
    const file = await world.write('debugflag.js', '//Events: DNS_REQUEST\n//Debugging: maybe\n');
    await assert.rejects(world.engine.load([file]), { code: 'TB_ERR_SANDBOX_INVALID_HEADER', message: /Debugging: must be Enabled or Disabled, got "maybe"/ });
  } finally {
    await world.close();
  }
});

test('load: folder loads js files sorted', async () => {
  const world = await createWorld();
  try {
    await world.write('b.js', '//Events: DNS_REQUEST\nSession.replace("order", (Session.lookup("order") || "") + "b");\n');
    await world.write('a.js', '//Events: DNS_REQUEST\nSession.replace("order", (Session.lookup("order") || "") + "a");\n');
    await world.write('notes.txt', 'not a trigger');
    const loaded = await world.engine.load([world.folder]);

    assert.deepEqual(loaded.map((info) => info.name), ['a', 'b']);
    await world.engine.fire([dnsRequest('example.com')]);
    assert.equal(world.table.lookup('order'), 'ab');
  } finally {
    await world.close();
  }
});

test('load: all or nothing on failure', async () => {
  const world = await createWorld();
  try {
    const good = await world.write('good.js', '//Events: DNS_REQUEST\n');
    const bad = await world.write('bad.js', '//Events: DNS_REQUEST\nvar = 1;\n');
    const unnamed = await world.write('unnamed.js', 'var a = 1;\n');
    await assert.rejects(world.engine.load([good, bad, unnamed]), (error: unknown) => {
      assert.ok(error instanceof TriggerboxError);
      assert.equal(error.code, 'TB_ERR_SANDBOX_LOAD_FAILED');
      assert.ok(error.message.includes(unnamed), error.message);
      return true;
    });
    assert.deepEqual(world.engine.triggers(), []);

    await assert.rejects(world.engine.load([good, bad]), { code: 'TB_ERR_SANDBOX_SYNTAX' });
    assert.deepEqual(world.engine.triggers(), []);
  } finally {
    await world.close();
  }
});

test('load: rejects duplicate names and files', async () => {
  const world = await createWorld();
  try {
    const first = await world.write('one.js', '//Name: Same\n//Events: DNS_REQUEST\n');
    const second = await world.write('two.js', '//Name: Same\n//Events: DNS_REQUEST\n');
    await world.engine.load([first]);

    await assert.rejects(world.engine.load([second]), { code: 'TB_ERR_SANDBOX_DUPLICATE_NAME', message: /named "Same" is loaded already/ });
    await assert.rejects(world.engine.load([first]), { code: 'TB_ERR_SANDBOX_ALREADY_LOADED' });
    await assert.rejects(world.engine.load([join(world.folder, 'missing.js')]), { code: 'TB_ERR_SANDBOX_FILE_READ' });
    assert.equal(world.engine.triggers().length, 1);
  } finally {
    await world.close();
  }
});

test('load: vendor bundle skips disabled items', async () => {
  const world = await createWorld();
  try {
    const bundle = {
      Trigger: [
        { name: 'CountA', events: '["DNS_REQUEST"]', debug: false, disabled: false, script: 'Network.metricAddCount("bundle_a", 1);' },
        { name: 'Off', events: '["DNS_REQUEST"]', debug: false, disabled: true, script: 'Network.metricAddCount("off", 1);' },
        { name: 'CountB', events: '["DNS_REQUEST", "DNS_RESPONSE"]', debug: true, disabled: false, script: '\n\nnull.x;' },
      ],
    };
    const file = join(world.folder, 'export.json');
    await writeFile(file, JSON.stringify(bundle));
    const loaded = await world.engine.load([file]);

    assert.deepEqual(loaded.map((info) => info.name), ['CountA', 'CountB']);
    assert.deepEqual(loaded[1]?.events, ['DNS_REQUEST', 'DNS_RESPONSE']);
    assert.equal(loaded[1]?.debug, true);
    await world.engine.fire([dnsRequest('example.com')]);
    assert.equal(findRow(world.metrics, 'bundle_a')?.value, 1);
    assert.equal(findRow(world.metrics, 'off'), undefined);

    const error = world.engine.triggers()[1]?.lastError;
    assert.equal(error?.file, `${file}#CountB`);
    assert.equal(error?.line, 3);
  } finally {
    await world.close();
  }
});

test('load: invalid bundle names the item', async () => {
  const world = await createWorld();
  try {
    const file = join(world.folder, 'broken.json');
    await writeFile(file, JSON.stringify({ Trigger: [{ name: 'X', events: 'DNS_REQUEST', script: '' }] }));
    await assert.rejects(world.engine.load([file]), { code: 'TB_ERR_SANDBOX_INVALID_BUNDLE', message: /Trigger\[0\] \(X\): "events" must be a JSON array/ });
  } finally {
    await world.close();
  }
});
