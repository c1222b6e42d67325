import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorld, dnsRequest, findRow } from './helpers.js';
import { startServer } from './http-server.js';

test('Remote.HTTP: sends to named and default targets', async () => {
  const server = await startServer((_request, response) => response.end('ok'));
  const world = await createWorld({ targets: { default: { url: `${server.url}/base` }, feed: { url: server.url } } });
  try {
    const file = await world.write('sender.js', [
      '//Name: Sender',
      '//Events: DNS_REQUEST',
      'var results = [];',
      'results.push(Remote.HTTP().post({path: "/post?q=1", payload: "p1", headers: {"X-Trigger": "yes"}}));',
      'results.push(Remote.HTTP("feed").request("put", {path: "/put", payload: new Uint8Array([104, 105])}));',
      'results.push(Remote.HTTP("nosuch").get({path: "/"}));',
      'try { Remote.HTTP("feed").post({headers: {Authorization: "Bearer x"}}); } catch (e) { results.push(e.code + " " + e.message); }',
      'try { Remote.HTTP("feed").post({payload: 5}); } catch (e) { results.push(e.message); }',
      'Session.replace("results", results);',
    ].join('\n'));
    await world.engine.load([file]);
    await world.engine.fire([dnsRequest('a.example')]);

    assert.deepEqual(world.table.lookup('results'), [
      true,
      true,
      false,
      'TB_ERR_REMOTE_HEADER_REJECTED Sender: Remote.HTTP("feed").post: header "Authorization" is not allowed because credentials belong in the target configuration; remove it.',
      'Sender: Remote.HTTP("feed").post: option payload must be a string or a Uint8Array, got 5; use JSON.stringify for objects.',
    ]);
    assert.equal(world.remote.pending, 0, 'fire settled the requests');
    const byPath = new Map(server.received.map((request) => [request.url, request]));
    assert.equal(byPath.get('/base/post?q=1')?.method, 'POST');
    assert.equal(byPath.get('/base/post?q=1')?.body, 'p1');
    assert.equal(byPath.get('/base/post?q=1')?.headers['x-trigger'], 'yes');
    assert.equal(byPath.get('/put')?.method, 'PUT');
    assert.equal(byPath.get('/put')?.body, 'hi');
    assert.equal(world.remote.stats().unknownTarget, 1);
  } finally {
    await world.close();
    await server.close();
  }
});

test('Remote.response: fires REMOTE_RESPONSE to the sender', async () => {
  const server = await startServer((request, response) => {
    response.setHeader('X-Score', '42');
    response.statusCode = 201;
    response.end(`score for ${request.body}`);
  });
  const world = await createWorld({ targets: { feed: { url: server.url } } });
  try {
    const sender = await world.write('a-sender.js', [
      '//Events: DNS_REQUEST, REMOTE_RESPONSE',
      'if (event === "DNS_REQUEST") {',
      '  try { Remote.response; } catch (e) { Session.replace("outside", e.message); }',
      '  Remote.HTTP("feed").post({payload: DNS.qname, enableResponseEvent: true, context: {qname: DNS.qname, at: getTimestamp()}});',
      '  return;',
      '}',
      'var r = Remote.response;',
      'Session.replace("response:" + r.context.qname, [r.statusCode, r.headers["x-score"], r.body, r.context.at]);',
    ].join('\n'));
    const other = await world.write('b-other.js', '//Events: REMOTE_RESPONSE\nNetwork.metricAddCount("other_saw_response", 1);\n');
    await world.engine.load([sender, other]);
    await world.engine.fire([dnsRequest('a.example', 1_000), dnsRequest('b.example', 2_000)]);

    assert.deepEqual(world.table.lookup('response:a.example'), [201, '42', 'score for a.example', 1_000]);
    assert.deepEqual(world.table.lookup('response:b.example'), [201, '42', 'score for b.example', 2_000]);
    assert.equal(world.table.lookup('outside'), 'a-sender: Remote.response: only available on REMOTE_RESPONSE events, this event is DNS_REQUEST.');
    assert.equal(findRow(world.metrics, 'other_saw_response'), undefined, 'responses go to the trigger that sent the request');
    assert.equal(world.engine.triggers()[0]?.runs, 4);
  } finally {
    await world.close();
    await server.close();
  }
});

test('fire: triggers run in load order', async () => {
  const world = await createWorld();
  try {
    const append = (tag: string) => `//Events: DNS_REQUEST\nSession.replace("order", (Session.lookup("order") || []).concat(["${tag}:" + DNS.qname]));\n`;
    const first = await world.write('z-first.js', append('A'));
    const second = await world.write('a-second.js', append('B'));
    await world.engine.load([first, second]);
    await world.engine.fire([dnsRequest('x'), dnsRequest('y')]);

    assert.deepEqual(world.table.lookup('order'), ['A:x', 'A:y', 'B:x', 'B:y']);
  } finally {
    await world.close();
  }
});

test('fire: next event sees the feed write', async () => {
  const results: unknown[] = [];
  for (let round = 0; round < 2; round++) {
    let world: Awaited<ReturnType<typeof createWorld>> | undefined;
    const server = await startServer((request, response) => {
      // The feed writes what it was sent into the table, as an external memcached client would.
      world?.table.storeItem('last', Buffer.from(request.body), 0, { kind: 'never' });
      response.end();
    });
    world = await createWorld({ targets: { feed: { url: server.url } } });
    try {
      const file = await world.write('poster.js', [
        '//Events: DNS_REQUEST',
        'Session.replace("seen", (Session.lookup("seen") || []).concat([Session.lookup("last")]));',
        'Remote.HTTP("feed").post({payload: DNS.qname});',
      ].join('\n'));
      await world.engine.load([file]);
      await world.engine.fire(['q1', 'q2', 'q3', 'q4', 'q5'].map((name) => dnsRequest(name)));
      results.push(world.table.lookup('seen'));
    } finally {
      await world.close();
      await server.close();
    }
  }

  assert.deepEqual(results[0], [null, 'q1', 'q2', 'q3', 'q4']);
  assert.deepEqual(results[1], results[0], 'two runs give the same results');
});

test('REMOTE_RESPONSE: chains stop after 16 rounds', async () => {
  const server = await startServer((_request, response) => response.end('again'));
  const world = await createWorld({ targets: { feed: { url: server.url } } });
  try {
    const file = await world.write('pingpong.js', [
      '//Events: DNS_REQUEST, REMOTE_RESPONSE',
      'Network.metricAddCount(event, 1);',
      'Remote.HTTP("feed").post({payload: "x", enableResponseEvent: true});',
    ].join('\n'));
    await world.engine.load([file]);
    await world.engine.fire([dnsRequest('a.example')]);

    assert.equal(findRow(world.metrics, 'REMOTE_RESPONSE')?.value, 16);
    assert.equal(world.remote.stats().queued, 17);
    assert.ok(world.logs.some((line) => line.includes('REMOTE_RESPONSE chain too deep')));
    await world.remote.settle();
  } finally {
    await world.close();
    await server.close();
  }
});

test('timeout: requests before it are settled', async () => {
  const server = await startServer((request, response) => response.end(`reply ${request.body}`));
  const world = await createWorld({ targets: { feed: { url: server.url } }, timeoutMs: 50 });
  try {
    const file = await world.write('hang.js', [
      '//Events: DNS_REQUEST, REMOTE_RESPONSE',
      'if (event === "REMOTE_RESPONSE") { Session.replace("reply", Remote.response.body); return; }',
      'Remote.HTTP("feed").post({payload: DNS.qname, enableResponseEvent: true});',
      'for (;;) {}',
    ].join('\n'));
    await world.engine.load([file]);
    await world.engine.fire([dnsRequest('a.example')]);

    assert.equal(world.engine.triggers()[0]?.lastError?.code, 'TB_ERR_SANDBOX_TIMEOUT');
    assert.equal(world.remote.pending, 0);
    assert.equal(world.table.lookup('reply'), 'reply a.example');
  } finally {
    await world.close();
    await server.close();
  }
});
