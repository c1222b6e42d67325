import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  RawClient,
  binaryExchange,
  binaryRequest,
  counterExtras,
  parseBinaryResponses,
  startTestServer,
  storeExtras,
  type BinaryResponse,
  type TestServer,
} from './helpers.js';

const Op = {
  GET: 0x00, SET: 0x01, ADD: 0x02, REPLACE: 0x03, DELETE: 0x04, INCREMENT: 0x05, DECREMENT: 0x06, QUIT: 0x07,
  FLUSH: 0x08, GETQ: 0x09, NOOP: 0x0a, VERSION: 0x0b, GETK: 0x0c, GETKQ: 0x0d, APPEND: 0x0e, PREPEND: 0x0f,
  STAT: 0x10, SETQ: 0x11, ADDQ: 0x12, REPLACEQ: 0x13, DELETEQ: 0x14, INCREMENTQ: 0x15, DECREMENTQ: 0x16,
  QUITQ: 0x17, FLUSHQ: 0x18, APPENDQ: 0x19, PREPENDQ: 0x1a, TOUCH: 0x1c, GAT: 0x1d, GATQ: 0x1e, GATK: 0x23,
  GATKQ: 0x24,
} as const;

/** Status and error body of each error response memcached 1.4.39 sends. */
const ERRORS = {
  notFound: [0x0001, 'Not found'],
  exists: [0x0002, 'Data exists for key.'],
  tooLarge: [0x0003, 'Too large.'],
  invalid: [0x0004, 'Invalid arguments'],
  notStored: [0x0005, 'Not stored.'],
  nonNumeric: [0x0006, 'Non-numeric server-side value for incr or decr'],
  auth: [0x0020, 'Auth failure.'],
  unknown: [0x0081, 'Unknown command'],
} as const;

function assertError(response: BinaryResponse | undefined, [status, text]: readonly [number, string], description: string): void {
  assert.ok(response, `${description}: a response`);
  assert.equal(response.magic, 0x81, `${description}: magic`);
  assert.equal(response.status, status, `${description}: status`);
  assert.equal(response.value.toString('latin1'), text, `${description}: error text`);
  assert.equal(response.extrasLength, 0, `${description}: extras length`);
  assert.equal(response.keyLength, 0, `${description}: key length`);
  assert.equal(response.cas, 0n, `${description}: cas`);
}

function assertSuccess(response: BinaryResponse | undefined, opcode: number, description: string): BinaryResponse {
  assert.ok(response, `${description}: a response`);
  assert.equal(response.magic, 0x81, `${description}: magic`);
  assert.equal(response.opcode, opcode, `${description}: opcode`);
  assert.equal(response.dataType, 0, `${description}: data type`);
  assert.equal(response.status, 0, `${description}: status ${response.status} ${response.value.toString()}`);
  return response;
}

const set = (key: string, value: string, options: { flags?: number; exptime?: number; cas?: bigint; opcode?: number; opaque?: number } = {}): Buffer =>
  binaryRequest({
    opcode: options.opcode ?? Op.SET,
    key,
    value,
    extras: storeExtras(options.flags ?? 0, options.exptime ?? 0),
    cas: options.cas ?? 0n,
    opaque: options.opaque ?? 0,
  });

describe('binary protocol', () => {
  let harness: TestServer;
  let client: RawClient;

  before(async () => {
    harness = await startTestServer();
    client = await RawClient.connect(harness.port);
  });

  after(async () => {
    client.close();
    await harness.close();
  });

  test('binary: SET then GET', async () => {
    const [stored, got] = await binaryExchange(
      client,
      set('b1', 'hello', { flags: 0xdeadbeef, opaque: 0x01020304 }),
      binaryRequest({ opcode: Op.GET, key: 'b1', opaque: 0x0a0b0c0d }),
    );
    const storedResponse = assertSuccess(stored, Op.SET, 'SET');
    assert.equal(storedResponse.opaque, 0x01020304);
    assert.equal(storedResponse.bodyLength, 0);
    assert.notEqual(storedResponse.cas, 0n);

    const getResponse = assertSuccess(got, Op.GET, 'GET');
    assert.equal(getResponse.opaque, 0x0a0b0c0d);
    assert.equal(getResponse.extras.readUInt32BE(0), 0xdeadbeef);
    assert.equal(getResponse.keyLength, 0);
    assert.equal(getResponse.value.toString(), 'hello');
    assert.equal(getResponse.cas, storedResponse.cas);
  });

  test('binary: GET miss and GETK miss', async () => {
    const [get, getk] = await binaryExchange(
      client,
      binaryRequest({ opcode: Op.GET, key: 'bmiss' }),
      binaryRequest({ opcode: Op.GETK, key: 'bmiss' }),
    );
    assertError(get, ERRORS.notFound, 'GET miss');
    assert.equal(getk!.status, 0x0001);
    assert.equal(getk!.keyLength, 5);
    assert.equal(getk!.bodyLength, 5);
    assert.equal(getk!.key.toString(), 'bmiss');
  });

  test('binary: GETK echoes the key', async () => {
    const [, getk] = await binaryExchange(client, set('bk', 'v', { flags: 7 }), binaryRequest({ opcode: Op.GETK, key: 'bk' }));
    const response = assertSuccess(getk, Op.GETK, 'GETK');
    assert.equal(response.extras.readUInt32BE(0), 7);
    assert.equal(response.key.toString(), 'bk');
    assert.equal(response.value.toString(), 'v');
  });

  test('binary: quiet gets silent on miss', async () => {
    const responses = await binaryExchange(
      client,
      set('bq', 'quiet'),
      binaryRequest({ opcode: Op.GETQ, key: 'bqmiss', opaque: 1 }),
      binaryRequest({ opcode: Op.GETKQ, key: 'bqmiss', opaque: 2 }),
      binaryRequest({ opcode: Op.GETQ, key: 'bq', opaque: 3 }),
      binaryRequest({ opcode: Op.GETKQ, key: 'bq', opaque: 4 }),
    );
    assert.deepEqual(
      responses.map((response) => [response.opcode, response.opaque, response.key.toString(), response.value.toString()]),
      [
        [Op.SET, 0, '', ''],
        [Op.GETQ, 3, '', 'quiet'],
        [Op.GETKQ, 4, 'bq', 'quiet'],
      ],
    );
  });

  test('binary: quiet stores silent on success', async () => {
    const responses = await binaryExchange(
      client,
      set('bs', 'a', { opcode: Op.SETQ }),
      set('bs2', 'b', { opcode: Op.ADDQ }),
      set('bs', 'c', { opcode: Op.REPLACEQ }),
      binaryRequest({ opcode: Op.APPENDQ, key: 'bs', value: 'd' }),
      binaryRequest({ opcode: Op.PREPENDQ, key: 'bs', value: 'e' }),
      binaryRequest({ opcode: Op.DELETEQ, key: 'bs2' }),
      binaryRequest({ opcode: Op.INCREMENTQ, key: 'bsn', extras: counterExtras(1n, 5n, 0) }),
      binaryRequest({ opcode: Op.DECREMENTQ, key: 'bsn', extras: counterExtras(2n, 0n, 0) }),
    );
    assert.deepEqual(responses, []);
    const [get, counter] = await binaryExchange(client, binaryRequest({ opcode: Op.GET, key: 'bs' }), binaryRequest({ opcode: Op.GET, key: 'bsn' }));
    assert.equal(get!.value.toString(), 'ecd');
    assert.equal(counter!.value.toString(), '3');
  });

  test('binary: quiet errors are still sent', async () => {
    const responses = await binaryExchange(
      client,
      set('bqe', 'x'),
      set('bqe', 'y', { opcode: Op.ADDQ, opaque: 1 }),
      set('bqemissing', 'y', { opcode: Op.REPLACEQ, opaque: 2 }),
      binaryRequest({ opcode: Op.APPENDQ, key: 'bqemissing', value: 'z', opaque: 3 }),
      binaryRequest({ opcode: Op.DELETEQ, key: 'bqemissing', opaque: 4 }),
      binaryRequest({ opcode: Op.INCREMENTQ, key: 'bqe', extras: counterExtras(1n, 0n, 0), opaque: 5 }),
      binaryRequest({ opcode: Op.FLUSHQ, opaque: 6 }),
    );
    assert.equal(responses.length, 7);
    assertSuccess(responses[0], Op.SET, 'SET');
    assertError(responses[1], ERRORS.exists, 'ADDQ existing');
    assertError(responses[2], ERRORS.notFound, 'REPLACEQ missing');
    assertError(responses[3], ERRORS.notStored, 'APPENDQ missing');
    assertError(responses[4], ERRORS.notFound, 'DELETEQ missing');
    assertError(responses[5], ERRORS.nonNumeric, 'INCREMENTQ non-numeric');
    assertError(responses[6], ERRORS.auth, 'FLUSHQ rejected');
    assert.deepEqual(responses.map((response) => response.opaque), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(responses.map((response) => response.opcode), [Op.SET, Op.ADDQ, Op.REPLACEQ, Op.APPENDQ, Op.DELETEQ, Op.INCREMENTQ, Op.FLUSHQ]);
  });

  test('binary: ADD, REPLACE statuses', async () => {
    const [added, again, replacedMissing, replaced] = await binaryExchange(
      client,
      set('ba', '1', { opcode: Op.ADD }),
      set('ba', '2', { opcode: Op.ADD }),
      set('bamissing', '2', { opcode: Op.REPLACE }),
      set('ba', '3', { opcode: Op.REPLACE }),
    );
    assertSuccess(added, Op.ADD, 'ADD');
    assertError(again, ERRORS.exists, 'ADD existing');
    assertError(replacedMissing, ERRORS.notFound, 'REPLACE missing');
    assertSuccess(replaced, Op.REPLACE, 'REPLACE');
  });

  test('binary: SET with cas acts as cas', async () => {
    const [stored] = await binaryExchange(client, set('bc', 'one'));
    const cas = stored!.cas;
    const [stale, missing, matched, get] = await binaryExchange(
      client,
      set('bc', 'two', { cas: cas + 1000n }),
      set('bcmissing', 'two', { cas }),
      set('bc', 'three', { cas }),
      binaryRequest({ opcode: Op.GET, key: 'bc' }),
    );
    assertError(stale, ERRORS.exists, 'SET stale cas');
    assertError(missing, ERRORS.notFound, 'SET cas missing key');
    const matchedResponse = assertSuccess(matched, Op.SET, 'SET matching cas');
    assert.notEqual(matchedResponse.cas, cas);
    assert.equal(get!.value.toString(), 'three');
  });

  test('binary: APPEND and PREPEND', async () => {
    const responses = await binaryExchange(
      client,
      set('bap', 'mid', { flags: 3 }),
      binaryRequest({ opcode: Op.APPEND, key: 'bap', value: '>' }),
      binaryRequest({ opcode: Op.PREPEND, key: 'bap', value: '<' }),
      binaryRequest({ opcode: Op.APPEND, key: 'bapmissing', value: 'x' }),
      binaryRequest({ opcode: Op.GET, key: 'bap' }),
    );
    assertSuccess(responses[1], Op.APPEND, 'APPEND');
    assertSuccess(responses[2], Op.PREPEND, 'PREPEND');
    assert.notEqual(responses[1]!.cas, 0n);
    assertError(responses[3], ERRORS.notStored, 'APPEND missing');
    assert.equal(responses[4]!.value.toString(), '<mid>');
    assert.equal(responses[4]!.extras.readUInt32BE(0), 3);
  });

  test('binary: APPEND with stale cas', async () => {
    const [stored] = await binaryExchange(client, set('bapc', 'x'));
    const [stale] = await binaryExchange(client, binaryRequest({ opcode: Op.APPEND, key: 'bapc', value: 'y', cas: stored!.cas + 1n }));
    assertError(stale, ERRORS.exists, 'APPEND stale cas');
  });

  test('binary: DELETE with and without cas', async () => {
    const [stored] = await binaryExchange(client, set('bd', 'x'));
    const [stale, deleted, again] = await binaryExchange(
      client,
      binaryRequest({ opcode: Op.DELETE, key: 'bd', cas: stored!.cas + 1n }),
      binaryRequest({ opcode: Op.DELETE, key: 'bd', cas: stored!.cas }),
      binaryRequest({ opcode: Op.DELETE, key: 'bd' }),
    );
    assertError(stale, ERRORS.exists, 'DELETE stale cas');
    assertSuccess(deleted, Op.DELETE, 'DELETE');
    assertError(again, ERRORS.notFound, 'DELETE missing');
  });

  test('binary: INCREMENT creates, counts, wraps', async () => {
    const responses = await binaryExchange(
      client,
      binaryRequest({ opcode: Op.INCREMENT, key: 'bn', extras: counterExtras(5n, 10n, 0) }),
      binaryRequest({ opcode: Op.INCREMENT, key: 'bn', extras: counterExtras(5n, 10n, 0) }),
      binaryRequest({ opcode: Op.DECREMENT, key: 'bn', extras: counterExtras(100n, 0n, 0) }),
      binaryRequest({ opcode: Op.INCREMENT, key: 'bn', extras: counterExtras(0xffff_ffff_ffff_ffffn, 0n, 0) }),
      binaryRequest({ opcode: Op.INCREMENT, key: 'bn', extras: counterExtras(2n, 0n, 0) }),
      binaryRequest({ opcode: Op.DECREMENT, key: 'bnnew', extras: counterExtras(1n, 0xffff_ffff_ffff_ffffn, 0) }),
    );
    const values = responses.map((response) => {
      assertSuccess(response, response.opcode, 'counter');
      assert.equal(response.bodyLength, 8);
      return response.value.readBigUInt64BE(0);
    });
    assert.deepEqual(values, [10n, 15n, 0n, 0xffff_ffff_ffff_ffffn, 1n, 0xffff_ffff_ffff_ffffn]);
    assert.notEqual(responses[0]!.cas, 0n);
    const [text] = await binaryExchange(client, binaryRequest({ opcode: Op.GET, key: 'bn' }));
    assert.equal(text!.value.toString(), '1'.padEnd(20, ' '));
  });

  test('binary: INCREMENT without auto-create', async () => {
    const [missing, nonNumeric] = await binaryExchange(
      client,
      binaryRequest({ opcode: Op.INCREMENT, key: 'bnmissing', extras: counterExtras(1n, 0n, 0xffff_ffff) }),
      binaryRequest({ opcode: Op.INCREMENT, key: 'bap', extras: counterExtras(1n, 0n, 0) }),
    );
    assertError(missing, ERRORS.notFound, 'INCREMENT missing');
    assertError(nonNumeric, ERRORS.nonNumeric, 'INCREMENT non-numeric');
    const [get] = await binaryExchange(client, binaryRequest({ opcode: Op.GET, key: 'bnmissing' }));
    assertError(get, ERRORS.notFound, 'no key was created');
  });

  test('binary: INCREMENT with stale cas', async () => {
    const [created] = await binaryExchange(client, binaryRequest({ opcode: Op.INCREMENT, key: 'bnc', extras: counterExtras(1n, 1n, 0) }));
    const [stale] = await binaryExchange(client, binaryRequest({ opcode: Op.INCREMENT, key: 'bnc', extras: counterExtras(1n, 1n, 0), cas: created!.cas + 1n }));
    assertError(stale, ERRORS.exists, 'INCREMENT stale cas');
  });

  test('binary: TOUCH, GAT, GATK', async () => {
    const [stored] = await binaryExchange(client, set('bt', 'touched', { flags: 9 }));
    const responses = await binaryExchange(
      client,
      binaryRequest({ opcode: Op.TOUCH, key: 'bt', extras: Buffer.from([0, 0, 0, 100]) }),
      binaryRequest({ opcode: Op.GAT, key: 'bt', extras: Buffer.from([0, 0, 0, 100]) }),
      binaryRequest({ opcode: Op.GATK, key: 'bt', extras: Buffer.from([0, 0, 0, 100]) }),
      binaryRequest({ opcode: Op.GATQ, key: 'btmissing', extras: Buffer.from([0, 0, 0, 100]) }),
      binaryRequest({ opcode: Op.GATKQ, key: 'bt', extras: Buffer.from([0, 0, 0, 100]) }),
      binaryRequest({ opcode: Op.TOUCH, key: 'btmissing', extras: Buffer.from([0, 0, 0, 100]) }),
      binaryRequest({ opcode: Op.GATK, key: 'btmissing', extras: Buffer.from([0, 0, 0, 100]) }),
    );
    const touch = assertSuccess(responses[0], Op.TOUCH, 'TOUCH');
    assert.equal(touch.extras.readUInt32BE(0), 9);
    assert.equal(touch.value.length, 0);
    assert.equal(touch.cas, stored!.cas);
    assert.equal(assertSuccess(responses[1], Op.GAT, 'GAT').value.toString(), 'touched');
    const gatk = assertSuccess(responses[2], Op.GATK, 'GATK');
    assert.equal(gatk.key.toString(), 'bt');
    assert.equal(gatk.value.toString(), 'touched');
    const gatkq = assertSuccess(responses[3], Op.GATKQ, 'GATKQ hit');
    assert.equal(gatkq.key.toString(), 'bt');
    assertError(responses[4], ERRORS.notFound, 'TOUCH missing');
    assert.equal(responses[5]!.status, 0x0001);
    assert.equal(responses[5]!.key.toString(), 'btmissing');
    assert.equal(responses.length, 6);

    harness.clock.advance(100_000);
    const [gone] = await binaryExchange(client, binaryRequest({ opcode: Op.GET, key: 'bt' }));
    assertError(gone, ERRORS.notFound, 'touched key expired');
  });

  test('binary: exptime in extras', async () => {
    const [, , get] = await binaryExchange(
      client,
      set('bx', 'x', { exptime: 10 }),
      set('bxgone', 'x', { exptime: 2_592_001 }),
      binaryRequest({ opcode: Op.GET, key: 'bxgone' }),
    );
    assertError(get, ERRORS.notFound, 'past absolute exptime');
    harness.clock.advance(10_000);
    const [expired] = await binaryExchange(client, binaryRequest({ opcode: Op.GET, key: 'bx' }));
    assertError(expired, ERRORS.notFound, 'relative exptime');
  });

  test('binary: FLUSH rejected, nothing deleted', async () => {
    const [, flush, flushDelay, get] = await binaryExchange(
      client,
      set('bf', 'kept'),
      binaryRequest({ opcode: Op.FLUSH }),
      binaryRequest({ opcode: Op.FLUSH, extras: Buffer.alloc(4) }),
      binaryRequest({ opcode: Op.GET, key: 'bf' }),
    );
    assertError(flush, ERRORS.auth, 'FLUSH');
    assertError(flushDelay, ERRORS.auth, 'FLUSH with delay');
    assert.equal(get!.value.toString(), 'kept');
  });

  test('binary: VERSION and NOOP', async () => {
    const [version] = await binaryExchange(client, binaryRequest({ opcode: Op.VERSION, opaque: 99 }));
    const response = assertSuccess(version, Op.VERSION, 'VERSION');
    assert.equal(response.value.toString(), '1.4.39');
    assert.equal(response.extrasLength, 0);
    assert.equal(response.opaque, 99);

    client.send(binaryRequest({ opcode: Op.NOOP, opaque: 5 }));
    const noop = parseBinaryResponses(await client.readBytes(24));
    assert.equal(noop.length, 1);
    assert.equal(noop[0]!.bodyLength, 0);
    assert.equal(noop[0]!.opaque, 5);
  });

  test('binary: STAT packets end empty', async () => {
    const responses = await binaryExchange(client, binaryRequest({ opcode: Op.STAT, opaque: 77 }));
    const last = responses[responses.length - 1]!;
    assert.equal(last.keyLength, 0);
    assert.equal(last.bodyLength, 0);
    const stats = new Map(responses.slice(0, -1).map((response) => [response.key.toString(), response.value.toString()]));
    assert.equal(stats.get('version'), '1.4.39');
    assert.equal(stats.get('pid'), String(process.pid));
    assert.ok(responses.every((response) => response.opaque === 77 && response.status === 0 && response.opcode === Op.STAT));
  });

  test('binary: STAT groups', async () => {
    const settings = await binaryExchange(client, binaryRequest({ opcode: Op.STAT, key: 'settings' }));
    assert.ok(settings.some((response) => response.key.toString() === 'item_size_max'));
    const [unknown] = await binaryExchange(client, binaryRequest({ opcode: Op.STAT, key: 'items' }));
    assertError(unknown, ERRORS.notFound, 'STAT items');
    const reset = await binaryExchange(client, binaryRequest({ opcode: Op.STAT, key: 'reset' }));
    assert.equal(reset.length, 1);
    assert.equal(reset[0]!.bodyLength, 0);
    assert.equal(harness.server.stats().counters.cmdGet, 0);
  });

  test('binary: unknown opcode skips its body', async () => {
    const [unknown, sasl, range, version] = await binaryExchange(
      client,
      binaryRequest({ opcode: 0x40, key: 'k', extras: Buffer.alloc(3), value: 'body bytes' }),
      binaryRequest({ opcode: 0x20 }),
      binaryRequest({ opcode: 0x30, key: 'a', value: 'b' }),
      binaryRequest({ opcode: Op.VERSION }),
    );
    assertError(unknown, ERRORS.unknown, 'opcode 0x40');
    assert.equal(unknown!.opcode, 0x40);
    assertError(sasl, ERRORS.unknown, 'SASL list');
    assertError(range, ERRORS.unknown, 'RGET');
    assert.equal(version!.value.toString(), '1.4.39');
  });

  test('binary: too large SET swallowed', async () => {
    const [stored] = await binaryExchange(client, set('bbig', 'old'));
    assertSuccess(stored, Op.SET, 'SET');
    const [tooLarge, next, get] = await binaryExchange(
      client,
      set('bbig', 'x'.repeat(1_048_576)),
      binaryRequest({ opcode: Op.VERSION }),
      binaryRequest({ opcode: Op.GET, key: 'bbig' }),
    );
    assertError(tooLarge, ERRORS.tooLarge, 'SET too large');
    assert.equal(next!.value.toString(), '1.4.39');
    assertError(get, ERRORS.notFound, 'old value removed');
  });

  test('binary: too large ADD keeps old', async () => {
    const [, tooLarge, get] = await binaryExchange(
      client,
      set('bbig2', 'old'),
      set('bbig2', 'x'.repeat(1_048_576), { opcode: Op.ADD }),
      binaryRequest({ opcode: Op.GET, key: 'bbig2' }),
    );
    assertError(tooLarge, ERRORS.tooLarge, 'ADD too large');
    assert.equal(get!.value.toString(), 'old');
  });

  test('binary: largest value fits', async () => {
    // Same rule as text: key + value + 71 <= 1 MiB.
    const [fits, tooLarge] = await binaryExchange(
      client,
      set('z', 'v'.repeat(1_048_504)),
      set('y', 'v'.repeat(1_048_505)),
    );
    assertSuccess(fits, Op.SET, 'largest SET');
    assertError(tooLarge, ERRORS.tooLarge, 'one byte more');
  });
});

describe('binary framing errors', () => {
  let harness: TestServer;

  before(async () => {
    harness = await startTestServer();
  });

  after(async () => {
    await harness.close();
  });

  async function expectClose(request: Buffer, expected: readonly [number, string] | null, description: string): Promise<void> {
    const client = await RawClient.connect(harness.port);
    try {
      // A valid request first, so the connection is binary.
      await binaryExchange(client, binaryRequest({ opcode: Op.VERSION }));
      client.send(Buffer.concat([request, binaryRequest({ opcode: Op.VERSION })]));
      assert.equal(await client.waitClosed(), true, `${description}: connection closed`);
      const responses = parseBinaryResponses(client.pending);
      if (expected === null) {
        assert.equal(responses.length, 0, `${description}: no reply`);
      } else {
        assert.equal(responses.length, 1, `${description}: one reply, nothing after it`);
        assertError(responses[0], expected, description);
      }
    } finally {
      client.close();
    }
  }

  test('framing: bad magic closes silently', async () => {
    await expectClose(binaryRequest({ opcode: Op.GET, key: 'k', magic: 0x81 }), null, 'magic 0x81');
  });

  test('framing: key and extras past body', async () => {
    await expectClose(binaryRequest({ opcode: Op.GET, key: 'k', bodyLength: 0 }), ERRORS.unknown, 'key longer than body');
    await expectClose(binaryRequest({ opcode: Op.SET, key: 'k', extras: storeExtras(0, 0), bodyLength: 5 }), ERRORS.unknown, 'extras and key longer than body');
  });

  test('framing: key over 250 bytes', async () => {
    await expectClose(binaryRequest({ opcode: Op.GET, key: 'k'.repeat(251) }), ERRORS.invalid, 'GET 251-byte key');
    await expectClose(binaryRequest({ opcode: 0x40, key: 'k'.repeat(251) }), ERRORS.invalid, 'unknown opcode, 251-byte key');
  });

  test('framing: wrong lengths per opcode', async () => {
    const cases: Array<[string, Buffer]> = [
      ['GET with extras', binaryRequest({ opcode: Op.GET, key: 'k', extras: Buffer.alloc(4) })],
      ['GET without key', binaryRequest({ opcode: Op.GET })],
      ['GET with value', binaryRequest({ opcode: Op.GET, key: 'k', value: 'v' })],
      ['SET without extras', binaryRequest({ opcode: Op.SET, key: 'k', value: 'v' })],
      ['SET without key', binaryRequest({ opcode: Op.SET, extras: storeExtras(0, 0), value: 'v' })],
      ['ADD with 4 extras', binaryRequest({ opcode: Op.ADD, key: 'k', extras: Buffer.alloc(4) })],
      ['DELETE with extras', binaryRequest({ opcode: Op.DELETE, key: 'k', extras: Buffer.alloc(4) })],
      ['INCREMENT with 8 extras', binaryRequest({ opcode: Op.INCREMENT, key: 'k', extras: Buffer.alloc(8) })],
      ['INCREMENT with value', binaryRequest({ opcode: Op.INCREMENT, key: 'k', extras: Buffer.alloc(20), value: 'v' })],
      ['APPEND with extras', binaryRequest({ opcode: Op.APPEND, key: 'k', extras: Buffer.alloc(8), value: 'v' })],
      ['VERSION with key', binaryRequest({ opcode: Op.VERSION, key: 'k' })],
      ['NOOP with body', binaryRequest({ opcode: Op.NOOP, value: 'v' })],
      ['QUIT with extras', binaryRequest({ opcode: Op.QUIT, extras: Buffer.alloc(4) })],
      ['FLUSH with 8 extras', binaryRequest({ opcode: Op.FLUSH, extras: Buffer.alloc(8) })],
      ['STAT with extras', binaryRequest({ opcode: Op.STAT, extras: Buffer.alloc(4) })],
      ['TOUCH without extras', binaryRequest({ opcode: Op.TOUCH, key: 'k' })],
      ['GAT without key', binaryRequest({ opcode: Op.GAT, extras: Buffer.alloc(4) })],
    ];
    for (const [description, request] of cases) await expectClose(request, ERRORS.invalid, description);
    assert.equal(harness.server.stats().counters.protocolKicks >= cases.length, true);
  });

  test('framing: QUIT replies then closes', async () => {
    const client = await RawClient.connect(harness.port);
    client.send(Buffer.concat([binaryRequest({ opcode: Op.QUIT, opaque: 3 }), binaryRequest({ opcode: Op.VERSION })]));
    assert.equal(await client.waitClosed(), true);
    const responses = parseBinaryResponses(client.pending);
    assert.equal(responses.length, 1);
    assertSuccess(responses[0], Op.QUIT, 'QUIT');
    assert.equal(responses[0]!.opaque, 3);
  });

  test('framing: QUITQ closes silently', async () => {
    const client = await RawClient.connect(harness.port);
    client.send(Buffer.concat([binaryRequest({ opcode: Op.QUITQ }), binaryRequest({ opcode: Op.VERSION })]));
    assert.equal(await client.waitClosed(), true);
    assert.equal(client.pending.length, 0);
  });

  test('framing: request split across reads', async () => {
    const client = await RawClient.connect(harness.port);
    const request = Buffer.concat([set('bsplit', 'split value'), binaryRequest({ opcode: Op.GETK, key: 'bsplit' }), binaryRequest({ opcode: Op.NOOP })]);
    for (let offset = 0; offset < request.length; offset += 1) {
      client.send(request.subarray(offset, offset + 1));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const bytes = await client.readUntil((received) => {
      try {
        return parseBinaryResponses(received).length === 3;
      } catch {
        return false;
      }
    }, 'three responses');
    const responses = parseBinaryResponses(bytes);
    assert.equal(responses[1]!.value.toString(), 'split value');
    assert.equal(responses[1]!.key.toString(), 'bsplit');
    client.close();
  });
});
