import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { TriggerboxError, VirtualClock } from '@triggerbox/core';
import { RemoteHttp, REMOTE_LIMITS } from '../src/index.js';
import { captureLogger, startServer } from './helpers.js';

test('post: sends path, headers and payload', async () => {
  const server = await startServer((_request, response) => response.end('ok'));
  const remote = new RemoteHttp({
    targets: { feed: { url: `${server.url}/api/`, headers: { 'X-Api-Key': 'k1' } } },
    clock: new VirtualClock(),
  });
  try {
    assert.equal(remote.request('feed', 'post', { path: '/score?name=a', headers: { 'X-Extra': 'e' }, payload: 'example.com' }), true);
    assert.equal(remote.pending, 1);
    assert.deepEqual(await remote.settle(), []);
    assert.equal(remote.pending, 0);

    const [received] = server.received;
    assert.equal(received?.method, 'POST');
    assert.equal(received?.url, '/api/score?name=a');
    assert.equal(received?.headers['x-api-key'], 'k1');
    assert.equal(received?.headers['x-extra'], 'e');
    assert.equal(received?.body, 'example.com');
    assert.deepEqual(remote.stats(), {
      queued: 1, sent: 1, succeeded: 1, failed: 0, timedOut: 0, rejectedQueueFull: 0, unknownTarget: 0,
    });
  } finally {
    await remote.close();
    await server.close();
  }
});

test('settle: returns responses in request order', async () => {
  const heldResponses: Array<{ body: string; response: ServerResponse }> = [];
  const server = await startServer((request, response) => {
    heldResponses.push({ body: request.body, response });
    if (heldResponses.length < 3) return;
    // Respond in reverse order of arrival, so completion order differs from request order.
    for (const entry of [...heldResponses].reverse()) {
      entry.response.setHeader('X-Echo', entry.body);
      entry.response.statusCode = entry.body === 'b' ? 404 : 200;
      entry.response.end(`reply-${entry.body}`);
    }
  });
  const remote = new RemoteHttp({ targets: { feed: { url: server.url } }, clock: new VirtualClock() });
  try {
    for (const body of ['a', 'b', 'c']) {
      const queued = remote.request('feed', 'PUT', { payload: body, enableResponseEvent: true, context: { body } }, { trigger: 'T1' });
      assert.equal(queued, true);
    }
    const settled = await remote.settle();

    assert.deepEqual(settled.map((entry) => entry.response.body), ['reply-a', 'reply-b', 'reply-c']);
    assert.deepEqual(settled.map((entry) => entry.response.statusCode), [200, 404, 200]);
    assert.deepEqual(settled.map((entry) => entry.response.context), [{ body: 'a' }, { body: 'b' }, { body: 'c' }]);
    assert.deepEqual(settled.map((entry) => entry.trigger), ['T1', 'T1', 'T1']);
    assert.equal(settled[1]?.response.headers['x-echo'], 'b');
    assert.deepEqual(await remote.settle(), [], 'each response is returned once');
  } finally {
    await remote.close();
    await server.close();
  }
});

test('request: copies payload and context', async () => {
  const server = await startServer((_request, response) => response.end());
  const remote = new RemoteHttp({ targets: { feed: { url: server.url } }, clock: new VirtualClock() });
  try {
    const payload = new Uint8Array([0x61, 0x62, 0x63]);
    const context = { step: 1 };
    remote.request('feed', 'POST', { payload, context, enableResponseEvent: true });
    payload[0] = 0x7a;
    context.step = 2;
    const [settled] = await remote.settle();

    assert.equal(server.received[0]?.body, 'abc');
    assert.deepEqual(settled?.response.context, { step: 1 });
    assert.equal(settled?.trigger, '');
  } finally {
    await remote.close();
    await server.close();
  }
});

test('request: unknown target logs once per 30 s', async () => {
  const clock = new VirtualClock(1_000_000);
  const { logger, lines } = captureLogger();
  const remote = new RemoteHttp({ targets: {}, clock, logger });
  try {
    assert.equal(remote.request('nosuch', 'GET', {}, { trigger: 'T1' }), false);
    assert.equal(remote.request('nosuch', 'GET'), false);
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /not configured.*target=nosuch/);

    clock.advance(REMOTE_LIMITS.logIntervalMs);
    assert.equal(remote.request('nosuch', 'GET'), false);
    assert.equal(lines.length, 2);
    assert.match(lines[1] ?? '', /repeatsNotShown=1/);
    assert.equal(remote.stats().unknownTarget, 3);
    assert.equal(remote.pending, 0);
  } finally {
    await remote.close();
  }
});

test('request: rejects forbidden headers', async () => {
  const remote = new RemoteHttp({ targets: { feed: { url: 'http://127.0.0.1:9' } }, clock: new VirtualClock() });
  try {
    const names = ['Connection', 'authorization', 'PROXY-CONNECTION', 'Content-Length', 'X-Forwarded-For', 'Transfer-Encoding'];
    for (const name of names) {
      assert.throws(
        () => remote.request('feed', 'POST', { headers: { [name]: 'x' } }),
        (error: unknown) => {
          assert.ok(error instanceof TriggerboxError);
          assert.equal(error.code, 'TB_ERR_REMOTE_HEADER_REJECTED');
          assert.ok(error.message.includes(`"${name}"`), error.message);
          return true;
        },
      );
    }
    assert.equal(remote.stats().queued, 0);
  } finally {
    await remote.close();
  }
});

test('request: rejects invalid options', async () => {
  const remote = new RemoteHttp({ targets: { feed: { url: 'http://127.0.0.1:9' } }, clock: new VirtualClock() });
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['POST', { path: 42 }, 'TB_ERR_REMOTE_INVALID_OPTION', /^Remote\.HTTP\("feed"\)\.post: option path must be a string.*got 42/],
    ['POST', { path: 'api' }, 'TB_ERR_REMOTE_INVALID_OPTION', /must start with "\/"/],
    ['POST', { path: '/a b' }, 'TB_ERR_REMOTE_INVALID_OPTION', /percent-encode/],
    ['POST', { payload: 12 }, 'TB_ERR_REMOTE_INVALID_OPTION', /payload must be a string or a Uint8Array, got 12/],
    ['POST', { payload: { a: 1 } }, 'TB_ERR_REMOTE_INVALID_OPTION', /JSON\.stringify/],
    ['POST', { enableResponseEvent: 'yes' }, 'TB_ERR_REMOTE_INVALID_OPTION', /enableResponseEvent must be true or false/],
    ['POST', { body: 'x' }, 'TB_ERR_REMOTE_INVALID_OPTION', /unknown option "body"/],
    ['POST', 'x', 'TB_ERR_REMOTE_INVALID_OPTION', /options must be an object/],
    ['POST', { context: () => 1 }, 'TB_ERR_REMOTE_INVALID_OPTION', /context must be plain data/],
    ['POST', { headers: { 'X-N': 5 } }, 'TB_ERR_REMOTE_INVALID_HEADER', /"X-N" must be a string, got 5/],
    ['POST', { headers: { 'X-N': 'a\r\nb' } }, 'TB_ERR_REMOTE_INVALID_HEADER', /line break/],
    ['POST', { headers: { 'bad name': 'a' } }, 'TB_ERR_REMOTE_INVALID_HEADER', /not a valid HTTP token/],
    ['FETCH', {}, 'TB_ERR_REMOTE_INVALID_METHOD', /unsupported method "FETCH"; use one of GET/],
  ];
  try {
    for (const [method, options, code, message] of cases) {
      assert.throws(
        () => remote.request('feed', method, options as never),
        (error: unknown) => {
          assert.ok(error instanceof TriggerboxError, `${method} ${String(options)}`);
          assert.equal(error.code, code, error.message);
          assert.match(error.message, message);
          return true;
        },
      );
    }
    assert.equal(remote.stats().queued, 0);
  } finally {
    await remote.close();
  }
});

test('constructor: rejects invalid targets', () => {
  const clock = new VirtualClock();
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ feed: { url: 'ftp://127.0.0.1' } }, /must start with http/],
    [{ feed: { url: 'not a url' } }, /invalid url/],
    [{ feed: { url: 'http://user:pw@127.0.0.1' } }, /contains credentials/],
    [{ feed: { url: 'http://127.0.0.1/?q=1' } }, /query or fragment/],
    [{ feed: { url: 'http://127.0.0.1', timeoutMs: 0 } }, /timeoutMs must be a positive integer/],
    [{ feed: { url: 'http://127.0.0.1', headers: { 'Content-Length': '1' } } }, /"Content-Length" is not allowed/],
    [{ '': { url: 'http://127.0.0.1' } }, /empty name/],
  ];
  for (const [targets, message] of cases) {
    assert.throws(() => new RemoteHttp({ targets: targets as never, clock }), message);
  }
  const withAuth = new RemoteHttp({ targets: { feed: { url: 'http://127.0.0.1:9', headers: { Authorization: 'Bearer t' } } }, clock });
  void withAuth.close();
});

test('request: queue full returns false', async () => {
  const heldResponses: ServerResponse[] = [];
  const server = await startServer((_request, response) => heldResponses.push(response));
  const remote = new RemoteHttp({ targets: { feed: { url: server.url } }, maxQueued: 2, clock: new VirtualClock() });
  try {
    assert.equal(remote.request('feed', 'GET'), true);
    assert.equal(remote.request('feed', 'GET'), true);
    assert.equal(remote.request('feed', 'GET'), false);
    assert.equal(remote.stats().rejectedQueueFull, 1);

    const settled = remote.settle();
    await waitFor(() => heldResponses.length === 2);
    for (const response of heldResponses) response.end();
    await settled;
    assert.equal(remote.stats().succeeded, 2);
    assert.equal(remote.request('feed', 'GET'), true, 'space is free again after settle');
    await waitFor(() => heldResponses.length === 3);
    heldResponses[2]?.end();
    await remote.settle();
  } finally {
    await remote.close();
    await server.close();
  }
});

test('request: waits beyond per-target concurrency', async () => {
  const heldResponses: ServerResponse[] = [];
  const server = await startServer((_request, response) => heldResponses.push(response));
  const remote = new RemoteHttp({ targets: { feed: { url: server.url } }, clock: new VirtualClock() });
  try {
    const total = REMOTE_LIMITS.maxInFlightPerTarget + 2;
    for (let index = 0; index < total; index++) remote.request('feed', 'GET', { path: `/${index}` });
    await waitFor(() => heldResponses.length === REMOTE_LIMITS.maxInFlightPerTarget);
    assert.equal(remote.stats().sent, REMOTE_LIMITS.maxInFlightPerTarget);
    assert.equal(remote.pending, total);

    const settled = remote.settle();
    for (let answered = 0; answered < total; answered++) {
      await waitFor(() => heldResponses.length > answered);
      heldResponses[answered]?.end();
    }
    await settled;
    assert.equal(remote.stats().sent, total);
    assert.deepEqual(server.received.map((request) => request.url), Array.from({ length: total }, (_, index) => `/${index}`));
  } finally {
    await remote.close();
    await server.close();
  }
});

test('request: times out a silent server', async () => {
  const server = await startServer(() => {});
  const { logger, lines } = captureLogger();
  const remote = new RemoteHttp({ targets: { slow: { url: server.url, timeoutMs: 100 } }, clock: new VirtualClock(), logger });
  try {
    remote.request('slow', 'POST', { payload: 'x', enableResponseEvent: true });
    assert.deepEqual(await remote.settle(), []);
    assert.equal(remote.stats().timedOut, 1);
    assert.equal(remote.stats().failed, 0);
    assert.match(lines.join('\n'), /request failed.*target=slow.*no complete response within 100 ms/);
  } finally {
    await remote.close();
    await server.close();
  }
});

test('request: counts a dropped connection', async () => {
  const server = await startServer((_request, response) => response.socket?.destroy());
  const remote = new RemoteHttp({ targets: { feed: { url: server.url } }, clock: new VirtualClock() });
  try {
    remote.request('feed', 'GET', { enableResponseEvent: true });
    assert.deepEqual(await remote.settle(), []);
    assert.equal(remote.stats().failed, 1);
    assert.equal(remote.stats().succeeded, 0);
  } finally {
    await remote.close();
    await server.close();
  }
});

test('request: fails an oversized body', async () => {
  const server = await startServer((_request, response) => response.end(Buffer.alloc(REMOTE_LIMITS.maxResponseBodyBytes + 1, 0x61)));
  const remote = new RemoteHttp({ targets: { feed: { url: server.url } }, clock: new VirtualClock() });
  try {
    remote.request('feed', 'GET', { enableResponseEvent: true });
    assert.deepEqual(await remote.settle(), []);
    assert.equal(remote.stats().failed, 1);
  } finally {
    await remote.close();
    await server.close();
  }
});

test('close: aborts requests in flight', async () => {
  const server = await startServer(() => {});
  const remote = new RemoteHttp({ targets: { feed: { url: server.url } }, clock: new VirtualClock() });
  try {
    remote.request('feed', 'GET');
    await waitFor(() => server.received.length === 1);
    await remote.close();
    assert.equal(remote.pending, 0);
    assert.equal(remote.stats().failed, 1);
    assert.throws(() => remote.request('feed', 'GET'), { code: 'TB_ERR_REMOTE_CLOSED' });
  } finally {
    await server.close();
  }
});

/** Polls `condition` while the server does its I/O, giving up after a bounded number of checks. */
async function waitFor(condition: () => boolean, maxChecks = 5_000): Promise<void> {
  for (let check = 0; check < maxChecks; check++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`condition not reached after ${maxChecks} checks`);
}
