import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TriggerEvent } from '@triggerbox/core';
import { createWorld, dnsRequest, dnsResponse, findRow, FLOW, START_MS, type World } from './helpers.js';

/** Loads one trigger from `body` (header added) and fires `events` at it. */
async function runTrigger(world: World, events: string, body: string[], fired: TriggerEvent[], header: string[] = []): Promise<void> {
  const file = await world.write('probe.js', [`//Name: Probe`, `//Events: ${events}`, ...header, ...body].join('\n'));
  await world.engine.load([file]);
  await world.engine.fire(fired);
}

const timerEvent: TriggerEvent = { name: 'TIMER_30SEC', timestampMs: START_MS + 30_000 };

test('Session: methods follow table semantics', async () => {
  const world = await createWorld();
  try {
    await runTrigger(world, 'DNS_REQUEST', [
      'var r = {};',
      'r.addNew = Session.add("k", "v1", {expire: 60, priority: Session.PRIORITY_HIGH});',
      'r.addExisting = Session.add("k", "v2");',
      'r.lookup = Session.lookup("k");',
      'r.lookupMissing = Session.lookup("missing");',
      'r.modifyMissing = Session.modify("missing", 1);',
      'r.modify = Session.modify("k", "v3");',
      'r.replaceNew = Session.replace("n", 5);',
      'r.increment = Session.increment("n", 2);',
      'r.incrementMissing = Session.increment("missing");',
      'r.options = Session.getOptions("k");',
      'r.update = Session.update("n", {nested: [1, 2]});',
      'r.remove = Session.remove("k");',
      'r.priorities = [Session.PRIORITY_LOW, Session.PRIORITY_NORMAL, Session.PRIORITY_HIGH];',
      'Session.replace("results", r);',
    ], [dnsRequest('a.example')]);

    assert.deepEqual(world.table.lookup('results'), {
      addNew: 'v1',
      addExisting: 'v1',
      lookup: 'v1',
      lookupMissing: null,
      modifyMissing: null,
      modify: 'v1',
      replaceNew: null,
      increment: 7,
      incrementMissing: null,
      options: { expire: 60, notify: false, priority: 2 },
      update: 7,
      remove: 'v3',
      priorities: [0, 1, 2],
    });
    assert.deepEqual(world.table.lookup('n'), { nested: [1, 2] });
    assert.equal(world.table.lookup('k'), null);
  } finally {
    await world.close();
  }
});

test('Session: errors keep table codes', async () => {
  const world = await createWorld();
  try {
    await runTrigger(world, 'DNS_REQUEST', [
      'var seen = [];',
      'function attempt(run) { try { run(); seen.push("no error"); } catch (e) { seen.push(e.code + " " + e.message); } }',
      'attempt(function () { Session.add("", 1); });',
      'attempt(function () { Session.update("k", 1, {expires: 5}); });',
      'attempt(function () { Session.replace("k", {run: function () {}}); });',
      'attempt(function () { Session.expiredKeys; });',
      'Session.replace("seen", seen);',
    ], [dnsRequest('a.example')]);

    const seen = world.table.lookup('seen') as string[];
    assert.equal(seen[0], 'TB_ERR_SESSION_INVALID_KEY Probe: Session.add: the key must be a non-empty string, got string "".');
    assert.match(seen[1] ?? '', /^TB_ERR_SESSION_INVALID_OPTION Probe: Session\.update: unknown option "expires"/);
    assert.match(seen[2] ?? '', /^TB_ERR_SANDBOX_INVALID_ARGUMENT Probe: Session\.replace: the arguments cannot be copied/);
    assert.equal(seen[3], 'TB_ERR_SANDBOX_WRONG_EVENT Probe: Session.expiredKeys: only available on SESSION_EXPIRE events, this event is DNS_REQUEST.');
  } finally {
    await world.close();
  }
});

test('Session.expiredKeys: lists keys on SESSION_EXPIRE', async () => {
  const world = await createWorld();
  try {
    const expired = [{ name: 'old', value: 'v', age: 61_000 }, { name: 'older', value: { a: 1 }, age: 90_000 }];
    await runTrigger(world, 'SESSION_EXPIRE', [
      'Session.replace("seen", Session.expiredKeys.map(function (key) { return key.name + "=" + JSON.stringify(key.value) + "@" + key.age; }));',
      'Network.metricAddCount("expired", Session.expiredKeys.length);',
    ], [{ name: 'SESSION_EXPIRE', timestampMs: START_MS + 90_000, expiredKeys: expired }]);

    assert.deepEqual(world.table.lookup('seen'), ['old="v"@61000', 'older={"a":1}@90000']);
    assert.equal(findRow(world.metrics, 'expired')?.value, 2);
  } finally {
    await world.close();
  }
});

test('metrics: twelve methods reach the sink', async () => {
  const world = await createWorld();
  try {
    await runTrigger(world, 'DNS_REQUEST', [
      'var app = Application("Shop");',
      'app.metricAddCount("count", 2);',
      'app.metricAddCount("count", 3, {highPrecision: true});',
      'app.metricAddDetailCount("dcount", "a", 1);',
      'app.metricAddDataset("dataset", 10, {freq: 3});',
      'app.metricAddDetailDataset("ddataset", "a", 4);',
      'app.metricAddSampleset("sampleset", 6);',
      'app.metricAddDetailSampleset("dsampleset", "a", 8);',
      'app.metricAddMax("max", 9);',
      'app.metricAddDetailMax("dmax", "a", 1);',
      'app.metricAddSnap("snap", 11);',
      'app.metricAddDetailSnap("dsnap", "a", 12);',
      'app.metricAddDistinct("distinct", "x");',
      'app.metricAddDetailDistinct("ddistinct", "a", 42);',
      'Network.metricAddCount("net", 1);',
    ], [dnsRequest('a.example')]);

    const row = (metric: string, detail: string | null = null) => findRow(world.metrics, metric, detail, 'Shop');
    assert.equal(row('count')?.value, 5);
    assert.equal(row('dcount', 'a')?.value, 1);
    assert.deepEqual((row('dataset')?.value as { count: number; sum: number }).count, 3);
    assert.deepEqual((row('dataset')?.value as { count: number; sum: number }).sum, 30);
    assert.equal((row('ddataset', 'a')?.value as { sum: number }).sum, 4);
    assert.equal((row('sampleset')?.value as { mean: number }).mean, 6);
    assert.equal((row('dsampleset', 'a')?.value as { mean: number }).mean, 8);
    assert.equal(row('max')?.value, 9);
    assert.equal(row('dmax', 'a')?.value, 1);
    assert.equal(row('snap')?.value, 11);
    assert.equal(row('dsnap', 'a')?.value, 12);
    assert.equal(row('distinct')?.value, 1);
    assert.equal(row('ddistinct', 'a')?.value, 1);
    const network = world.metrics.rows().find((candidate) => candidate.metric === 'net');
    assert.equal(network?.source, 'network');
    assert.equal(network?.value, 1);
    assert.equal(world.engine.triggers()[0]?.errors, 0);
  } finally {
    await world.close();
  }
});

test('metrics: NaN and null detail dropped', async () => {
  const world = await createWorld();
  try {
    await runTrigger(world, 'DNS_REQUEST', [
      'Network.metricAddCount("nan", NaN);',
      'Network.metricAddDataset("nan", parseInt("x"));',
      'Application("A").metricAddDetailCount("nulldetail", null, 1);',
      'Application("A").metricAddDistinct("nanitem", NaN);',
    ], [dnsRequest('a.example')]);

    assert.deepEqual(world.metrics.rows(), []);
    assert.equal(world.engine.triggers()[0]?.errors, 0);
  } finally {
    await world.close();
  }
});

test('metrics: invalid arguments are rejected', async () => {
  const world = await createWorld();
  try {
    await runTrigger(world, 'DNS_REQUEST', [
      'var calls = [',
      '  function () { Application("x").metricAddCount("hits", -1); },',
      '  function () { Application("x").metricAddCount("hits", 1.5); },',
      '  function () { Network.metricAddDataset("rtt", 2.5); },',
      '  function () { Network.metricAddMax("m", "9"); },',
      '  function () { Network.metricAddCount("", 1); },',
      '  function () { Application("x").metricAddDetailCount("hits", 5, 1); },',
      '  function () { Network.metricAddCount("hits", 1, {freq: 2}); },',
      '  function () { Network.metricAddDataset("d", 1, {freq: 0}); },',
      '  function () { Network.metricAddSnap("s", 1, {highPrecision: "yes"}); },',
      '  function () { Network.metricAddDistinct("d", {}); },',
      '  function () { Application(""); },',
      '];',
      'Session.replace("messages", calls.map(function (call) { try { call(); return "no error"; } catch (e) { return e.message; } }));',
    ], [dnsRequest('a.example')]);

    assert.deepEqual(world.table.lookup('messages'), [
      'Probe: Application("x").metricAddCount: count must be a positive integer, got -1.',
      'Probe: Application("x").metricAddCount: count must be a positive integer, got 1.5.',
      'Probe: Network.metricAddDataset: val must be an integer from 0 to 2^63-1, got 2.5; round it with Math.round or Math.floor first.',
      'Probe: Network.metricAddMax: val must be an integer from 0 to 2^63-1, got "9"; round it with Math.round or Math.floor first.',
      'Probe: Network.metricAddCount: the metric name must be a non-empty string, got "".',
      'Probe: Application("x").metricAddDetailCount: the detail key must be a string, got 5; convert it with String().',
      'Probe: Network.metricAddCount: unknown option "freq"; the valid options are highPrecision.',
      'Probe: Network.metricAddDataset: option freq must be a positive integer, got 0.',
      'Probe: Network.metricAddSnap: option highPrecision must be true or false, got "yes".',
      'Probe: Network.metricAddDistinct: item must be a string or a number, got a value of type object; convert it to a string that identifies it.',
      'Probe: Application: the name must be a non-empty string, got "".',
    ]);
    assert.deepEqual(world.metrics.rows(), []);
  } finally {
    await world.close();
  }
});

test('Application.commit: no-op on DNS only', async () => {
  const world = await createWorld();
  try {
    await runTrigger(world, 'DNS_REQUEST, TIMER_30SEC', [
      'try { Application("A").commit(); Session.replace(event, "ok"); } catch (e) { Session.replace(event, e.message); }',
    ], [dnsRequest('a.example'), timerEvent]);

    assert.equal(world.table.lookup('DNS_REQUEST'), 'ok');
    assert.equal(world.table.lookup('TIMER_30SEC'), 'Probe: Application("A").commit: only available on DNS_REQUEST and DNS_RESPONSE events, this event is TIMER_30SEC.');
  } finally {
    await world.close();
  }
});

test('debug: needs the flag, log does not', async () => {
  const world = await createWorld();
  try {
    const quiet = await world.write('quiet.js', '//Events: DNS_REQUEST\n//Debugging: Disabled\ndebug("hidden");\nlog("shown " + DNS.qname);\n');
    const loud = await world.write('loud.js', '//Events: DNS_REQUEST\n//Debugging: Enabled\ndebug({qname: DNS.qname});\n');
    await world.engine.load([quiet, loud]);
    await world.engine.fire([dnsRequest('a.example')]);

    assert.deepEqual(world.output, ['quiet: shown a.example', 'loud: {"qname":"a.example"}']);
  } finally {
    await world.close();
  }
});

test('debug: repeats shown once per 30 s', async () => {
  const world = await createWorld();
  try {
    await runTrigger(world, 'DNS_REQUEST', ['debug("same line");', 'debug(DNS.qname);'], [
      dnsRequest('a.example'),
      dnsRequest('a.example'),
      dnsRequest('b.example'),
    ], ['//Debugging: Enabled']);
    assert.deepEqual(world.output, ['Probe: same line', 'Probe: a.example', 'Probe: b.example']);

    world.clock.advance(30_000);
    await world.engine.fire([dnsRequest('c.example')]);
    assert.deepEqual(world.output.slice(3), ['Probe: same line (2 identical debug lines not shown)', 'Probe: c.example']);
  } finally {
    await world.close();
  }
});

test('debug: message cut to 2048 bytes', async () => {
  const world = await createWorld();
  try {
    await runTrigger(world, 'DNS_REQUEST', ['debug(new Array(1100).join("\\u00e9"));'], [dnsRequest('a.example')], ['//Debugging: Enabled']);

    const line = world.output[0] ?? '';
    const message = line.slice('Probe: '.length);
    assert.equal(Buffer.byteLength(message), 2048);
    assert.equal(message, 'é'.repeat(1024));
  } finally {
    await world.close();
  }
});

test('event and getTimestamp: describe the event', async () => {
  const world = await createWorld();
  try {
    await runTrigger(world, 'DNS_REQUEST, TIMER_30SEC', [
      'Session.replace("seen:" + event, getTimestamp());',
    ], [dnsRequest('a.example', START_MS + 0.25), timerEvent]);

    assert.equal(world.table.lookup('seen:DNS_REQUEST'), START_MS + 0.25);
    assert.equal(world.table.lookup('seen:TIMER_30SEC'), START_MS + 30_000);
  } finally {
    await world.close();
  }
});

test('DNS: request and response properties', async () => {
  const world = await createWorld();
  try {
    const response = dnsResponse('www.Example.com', {
      answers: [
        { name: 'www.Example.com', ttl: 300, type: 'CNAME', typeNum: 5, data: 'web.example.net' },
        { name: 'web.example.net', ttl: 60, type: 'A', typeNum: 1, data: '93.184.216.34' },
        { name: 'web.example.net', ttl: 60, type: 'AAAA', typeNum: 28, data: '2001:db8:0:0:0:0:0:1' },
      ],
      processingTime: 1.75,
    });
    await runTrigger(world, 'DNS_REQUEST, DNS_RESPONSE, TIMER_30SEC', [
      'var r = {};',
      'function read(name) { try { r[name] = DNS[name]; } catch (e) { r[name] = "threw: " + e.message; } }',
      '["qname", "qtype", "qtypeNum", "opcode", "txId", "isRecursionDesired", "reqBytes", "error", "errorNum", "processingTime", "rspPkts"].forEach(read);',
      'if (event === "TIMER_30SEC") { try { DNS.qname; } catch (e) { r.dns = e.message; } }',
      'if (event === "DNS_RESPONSE") {',
      '  r.answers = DNS.answers.map(function (a) { return a.type + " " + a.data + " " + (a.data instanceof IPAddress); });',
      '  r.sameAnswers = DNS.answers === DNS.answers;',
      '}',
      'Session.replace("dns:" + event, r);',
    ], [dnsRequest('www.Example.com'), response, timerEvent]);

    const request = world.table.lookup('dns:DNS_REQUEST') as Record<string, unknown>;
    assert.equal(request.qname, 'www.Example.com');
    assert.equal(request.qtype, 'A');
    assert.equal(request.qtypeNum, 1);
    assert.equal(request.opcode, 'QUERY');
    assert.equal(request.txId, 4660);
    assert.equal(request.isRecursionDesired, true);
    assert.equal(request.reqBytes, 33);
    assert.equal(request.errorNum, 'threw: Probe: DNS.errorNum: only available on DNS_RESPONSE events, this event is DNS_REQUEST.');
    assert.equal(request.processingTime, 'threw: Probe: DNS.processingTime: only available on DNS_RESPONSE events, this event is DNS_REQUEST.');

    const reply = world.table.lookup('dns:DNS_RESPONSE') as Record<string, unknown>;
    assert.equal(reply.error, null);
    assert.equal(reply.errorNum, 0);
    assert.equal(reply.processingTime, 1.75);
    assert.equal(reply.rspPkts, 1);
    assert.deepEqual(reply.answers, ['CNAME web.example.net false', 'A 93.184.216.34 true', 'AAAA 2001:db8::1 true']);
    assert.equal(reply.sameAnswers, true);

    const timer = world.table.lookup('dns:TIMER_30SEC') as Record<string, unknown>;
    assert.equal(timer.dns, 'Probe: DNS: only available on DNS_REQUEST and DNS_RESPONSE events, this event is TIMER_30SEC.');
  } finally {
    await world.close();
  }
});

test('Flow: endpoints and a shared store', async () => {
  const world = await createWorld();
  try {
    const first = await world.write('a-first.js', [
      '//Events: DNS_REQUEST, DNS_RESPONSE, TIMER_30SEC',
      'if (Flow === null) { Session.replace("flow:" + event, null); return; }',
      'Session.replace("flow:" + event, [Flow.client.ipaddr.toString(), Flow.client.port, Flow.server.ipaddr.isExternal, Flow.server.port, Flow.ipproto, Flow.ipver, Flow.l7proto]);',
      'if (event === "DNS_REQUEST") Flow.store.requestAt = getTimestamp();',
      'else Session.replace("elapsed", getTimestamp() - Flow.store.requestAt);',
    ].join('\n'));
    const second = await world.write('b-second.js', [
      '//Events: DNS_REQUEST',
      'Session.replace("seenBySecond", Flow.store.requestAt);',
      'Flow.store.count = (Flow.store.count || 0) + 1;',
    ].join('\n'));
    await world.engine.load([first, second]);
    await world.engine.fire([dnsRequest('a.example', START_MS), dnsResponse('a.example', {}, START_MS + 7), timerEvent]);
    await world.engine.fire([dnsRequest('a.example', START_MS + 9)]);

    assert.deepEqual(world.table.lookup('flow:DNS_REQUEST'), [FLOW.client.ipaddr, FLOW.client.port, true, 53, 'UDP', 'IPv4', 'DNS']);
    assert.equal(world.table.lookup('elapsed'), 7);
    assert.equal(world.table.lookup('flow:TIMER_30SEC'), null);
    assert.equal(world.table.lookup('seenBySecond'), START_MS + 9, 'another trigger sees the store of the flow');
  } finally {
    await world.close();
  }
});

test('IPAddress: parses and classifies addresses', async () => {
  const world = await createWorld();
  try {
    await runTrigger(world, 'DNS_REQUEST', [
      'var texts = ["10.0.0.1", "172.31.255.255", "172.32.0.1", "192.168.1.1", "127.0.0.1", "169.254.3.4", "8.8.8.8",',
      '  "fd12:3456::1", "fe80::1", "::1", "2001:DB8:0:0:1:0:0:1", "::ffff:192.168.0.1", "2606:4700::1111"];',
      'var rows = texts.map(function (text) {',
      '  var ip = new IPAddress(text);',
      '  return [ip.toString(), ip.isExternal, ip.isV4, ip.isV6, ip.isRFC1918, ip.isLinkLocal];',
      '});',
      'var errors = [];',
      '["1.2.3", "01.2.3.4", "1::2::3", "x"].forEach(function (text) { try { new IPAddress(text); } catch (e) { errors.push(e.message); } });',
      'Session.replace("ip", {',
      '  rows: rows,',
      '  equal: [new IPAddress("2001:db8::1").equals("2001:db8:0::1"), new IPAddress("10.0.0.1").equals(new IPAddress("10.0.0.2"))],',
      '  masked: new IPAddress("192.168.77.9", 16).toString(),',
      '  numeric: new IPAddress(3221225985).toString(),',
      '  errors: errors,',
      '});',
    ], [dnsRequest('a.example')]);

    const result = world.table.lookup('ip') as { rows: unknown[]; equal: boolean[]; masked: string; numeric: string; errors: string[] };
    assert.deepEqual(result.rows, [
      ['10.0.0.1', false, true, false, true, false],
      ['172.31.255.255', false, true, false, true, false],
      ['172.32.0.1', true, true, false, false, false],
      ['192.168.1.1', false, true, false, true, false],
      ['127.0.0.1', false, true, false, false, false],
      ['169.254.3.4', false, true, false, false, true],
      ['8.8.8.8', true, true, false, false, false],
      ['fd12:3456::1', false, false, true, false, false],
      ['fe80::1', false, false, true, false, true],
      ['::1', false, false, true, false, false],
      ['2001:db8::1:0:0:1', true, false, true, false, false],
      ['::ffff:192.168.0.1', false, false, true, true, false],
      ['2606:4700::1111', true, false, true, false, false],
    ]);
    assert.deepEqual(result.equal, [true, false]);
    assert.equal(result.masked, '192.168.0.0');
    assert.equal(result.numeric, '192.0.2.1');
    assert.equal(result.errors.length, 4);
    assert.equal(result.errors[0], 'Probe: IPAddress: invalid IP address "1.2.3"; expected text such as "192.0.2.1" or "2001:db8::1".');
  } finally {
    await world.close();
  }
});

test('hashes and uuid: use host crypto', async () => {
  const world = await createWorld();
  try {
    await runTrigger(world, 'DNS_REQUEST', [
      'Session.replace("hashes", [md5("abc"), sha1("abc"), sha256("abc"), sha512("abc"), md5(new Uint8Array([97, 98, 99]))]);',
      'Session.replace("uuids", [uuid(), uuid()]);',
    ], [dnsRequest('a.example')]);

    assert.deepEqual(world.table.lookup('hashes'), [
      '900150983cd24fb0d6963f7d28e17f72',
      'a9993e364706816aba3e25717850c26c9cd0d89d',
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
      '900150983cd24fb0d6963f7d28e17f72',
    ]);
    const uuids = world.table.lookup('uuids') as string[];
    for (const value of uuids) assert.match(value, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(uuids[0], uuids[1]);
  } finally {
    await world.close();
  }
});

test('System and cache: stable per isolate', async () => {
  const world = await createWorld();
  try {
    await runTrigger(world, 'DNS_REQUEST', [
      'var table = cache("table", function () { return { built: (Session.increment("builds") || Session.replace("builds", 1) || 1) }; });',
      'Session.replace("system", [System.uuid, System.hostname, System.ipaddr.toString(), System.ipaddr instanceof IPAddress, System.version]);',
    ], [dnsRequest('a.example'), dnsRequest('b.example'), dnsRequest('c.example')]);

    assert.deepEqual(world.table.lookup('system'), ['system-uuid', 'testhost', '192.0.2.10', true, '9.9.9']);
    assert.equal(world.table.lookup('builds'), 1, 'cache computed its value once');
  } finally {
    await world.close();
  }
});

test('isolation: no Node.js globals or timers', async () => {
  const world = await createWorld();
  try {
    await runTrigger(world, 'DNS_REQUEST', [
      'Session.replace("types", [typeof require, typeof process, typeof setTimeout, typeof setInterval, typeof Buffer, typeof module, typeof fetch]);',
    ], [dnsRequest('a.example')]);

    assert.deepEqual(world.table.lookup('types'), Array(7).fill('undefined'));
  } finally {
    await world.close();
  }
});

test('scope: variables do not persist', async () => {
  const world = await createWorld();
  try {
    await runTrigger(world, 'DNS_REQUEST', [
      'var local = (typeof local === "number" ? local : 0) + 1;',
      'implicit = (typeof implicit === "number" ? implicit : 0) + 1;',
      'globalThis.explicit = (typeof explicit === "number" ? explicit : 0) + 1;',
      'Session.replace("seen", [local, implicit, explicit]);',
    ], [dnsRequest('a.example'), dnsRequest('b.example')]);

    assert.deepEqual(world.table.lookup('seen'), [1, 1, 1]);
  } finally {
    await world.close();
  }
});

test('return and exit: end a run quietly', async () => {
  const world = await createWorld();
  try {
    await runTrigger(world, 'DNS_REQUEST', [
      'Network.metricAddCount("started", 1);',
      'if (DNS.qname === "return.example") return;',
      'if (DNS.qname === "exit.example") exit();',
      'Network.metricAddCount("finished", 1);',
    ], [dnsRequest('return.example'), dnsRequest('exit.example'), dnsRequest('a.example')]);

    assert.equal(findRow(world.metrics, 'started')?.value, 3);
    assert.equal(findRow(world.metrics, 'finished')?.value, 1);
    assert.equal(world.engine.triggers()[0]?.errors, 0);
  } finally {
    await world.close();
  }
});

test('globals: API names cannot be replaced', async () => {
  const world = await createWorld();
  try {
    await runTrigger(world, 'DNS_REQUEST', [
      'Session = null;',
      'Network.metricAddCount = null;',
      'Session.replace("alive", typeof Session.lookup);',
    ], [dnsRequest('a.example')]);

    assert.equal(world.table.lookup('alive'), 'function');
    assert.equal(world.engine.triggers()[0]?.errors, 0);
  } finally {
    await world.close();
  }
});
