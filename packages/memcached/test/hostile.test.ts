/**
 * Hostile input: the same stream split at every byte boundary must give the same replies,
 * random and mutated streams must not break the server for the next client, and hostile
 * lengths must not make it buffer memory. Every loop here has a fixed number of rounds.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, describe, test } from 'node:test';

import { VirtualClock } from '@triggerbox/core';
import { SessionTable } from '@triggerbox/session-table';

import { BinarySession } from '../src/binary-protocol.js';
import { InputBuffer } from '../src/input-buffer.js';
import { ItemOperations } from '../src/item-operations.js';
import { resolveLimits, type MemcachedLimits } from '../src/limits.js';
import type { ProtocolContext } from '../src/protocol-context.js';
import { ReplyWriter } from '../src/reply-writer.js';
import { ServerCounters } from '../src/stats.js';
import { TextSession } from '../src/text-protocol.js';
import {
  RawClient,
  TEST_START_MS,
  binaryExchange,
  binaryRequest,
  counterExtras,
  startTestServer,
  storeExtras,
  waitUntil,
  type TestServer,
} from './helpers.js';

/** Small deterministic PRNG (mulberry32), so every run sends the same streams. */
function createRandom(seed: number): { next(): number; int(limit: number): number; pick<T>(items: readonly T[]): T } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (limit) => Math.floor(next() * limit),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}

/** Creates a session over a fresh table, for running a byte stream without a socket. */
function createSession(kind: 'text' | 'binary', limits: Partial<MemcachedLimits> = {}): { session: TextSession | BinarySession; out: ReplyWriter } {
  const clock = new VirtualClock(TEST_START_MS);
  const table = new SessionTable({ clock, capacity: 1000 });
  const counters = new ServerCounters();
  const resolved = resolveLimits(limits);
  const ctx: ProtocolContext = {
    clock,
    ops: new ItemOperations(table, counters, resolved.maxItemBytes),
    counters,
    limits: resolved,
    version: '1.4.39',
    statsGroup: () => null,
    resetStats: () => {},
  };
  const out = new ReplyWriter();
  const session = kind === 'text' ? new TextSession(ctx, out) : new BinarySession(ctx, out);
  return { session, out };
}

/** Feeds `pieces` one after another and returns every reply byte and whether the session asked to close. */
function runPieces(kind: 'text' | 'binary', pieces: Buffer[], limits: Partial<MemcachedLimits> = {}): { output: Buffer; closed: boolean } {
  const { session, out } = createSession(kind, limits);
  const input = new InputBuffer();
  const replies: Buffer[] = [];
  for (const piece of pieces) {
    input.push(piece);
    const status = session.process(input);
    replies.push(...out.take());
    if (status === 'close') return { output: Buffer.concat(replies), closed: true };
  }
  return { output: Buffer.concat(replies), closed: false };
}

const SMALL_ITEMS: Partial<MemcachedLimits> = { maxItemBytes: 300, maxBufferBytes: 4096 };

/** A text stream touching most parser paths, with the replies memcached 1.4.39 gives. */
const TEXT_STREAM = [
  ['set a 1 0 5\r\nab\r\nc\r\n', 'STORED\r\n'],
  ['get a missing a\r\n', 'VALUE a 1 5\r\nab\r\nc\r\nVALUE a 1 5\r\nab\r\nc\r\nEND\r\n'],
  ['cas a 0 0 1 0\r\nz\r\ncas nope 0 0 1 5\r\nz\r\n', 'EXISTS\r\nNOT_FOUND\r\n'],
  ['set n 0 0 2\r\n10\r\ndecr n 1\r\nget n\r\n', 'STORED\r\n9\r\nVALUE n 0 2\r\n9 \r\nEND\r\n'],
  ['incr n 18446744073709551615\r\n', '8\r\n'],
  ['set bad 0 0 2\r\nabcd\r\n', 'CLIENT_ERROR bad data chunk\r\nERROR\r\n'],
  ['set x abc 0 1\r\ny\r\n', 'CLIENT_ERROR bad command line format\r\nERROR\r\n'],
  [`set big 0 0 400\r\n${'b'.repeat(400)}\r\n`, 'SERVER_ERROR object too large for cache\r\n'],
  ['set q 0 0 1 noreply\r\nq\r\nappend q 0 0 1 noreply\r\nr\r\nget q\r\n', 'VALUE q 0 2\r\nqr\r\nEND\r\n'],
  ['delete q\r\ndelete q 5\r\ntouch a 0\r\nflush_all\r\n', 'DELETED\r\nCLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\nTOUCHED\r\nCLIENT_ERROR flush_all not allowed\r\n'],
  ['GET a\r\n\r\nverbosity 1\r\nversion\r\n', 'ERROR\r\nERROR\r\nOK\r\nVERSION 1.4.39\r\n'],
] as const;

const TEXT_REQUEST = Buffer.from(TEXT_STREAM.map(([request]) => request).join(''), 'latin1');
const TEXT_REPLY = TEXT_STREAM.map(([, reply]) => reply).join('');

const BINARY_REQUEST = Buffer.concat([
  binaryRequest({ opcode: 0x01, key: 'k', value: 'value\r\nwith crlf', extras: storeExtras(5, 0), opaque: 1 }),
  binaryRequest({ opcode: 0x0c, key: 'k', opaque: 2 }),
  binaryRequest({ opcode: 0x09, key: 'missing', opaque: 3 }),
  binaryRequest({ opcode: 0x05, key: 'n', extras: counterExtras(2n, 40n, 0), opaque: 4 }),
  binaryRequest({ opcode: 0x05, key: 'n', extras: counterExtras(2n, 40n, 0), opaque: 5 }),
  binaryRequest({ opcode: 0x01, key: 'big', value: 'x'.repeat(400), extras: storeExtras(0, 0), opaque: 6 }),
  binaryRequest({ opcode: 0x40, key: 'u', value: 'unknown body', opaque: 7 }),
  binaryRequest({ opcode: 0x0f, key: 'k', value: '<', opaque: 8 }),
  binaryRequest({ opcode: 0x00, key: 'k', opaque: 9 }),
  binaryRequest({ opcode: 0x0a, opaque: 10 }),
]);

describe('split at every byte boundary', () => {
  test('split: text reference replies', () => {
    const { output, closed } = runPieces('text', [TEXT_REQUEST], SMALL_ITEMS);
    assert.equal(closed, false);
    assert.equal(output.toString('latin1'), TEXT_REPLY);
  });

  test('split: text, every two-way split', () => {
    for (let cut = 0; cut <= TEXT_REQUEST.length; cut++) {
      const { output } = runPieces('text', [TEXT_REQUEST.subarray(0, cut), TEXT_REQUEST.subarray(cut)], SMALL_ITEMS);
      assert.equal(output.toString('latin1'), TEXT_REPLY, `cut at byte ${cut}`);
    }
  });

  test('split: text, one byte at a time', () => {
    const pieces = Array.from({ length: TEXT_REQUEST.length }, (_, i) => TEXT_REQUEST.subarray(i, i + 1));
    assert.equal(runPieces('text', pieces, SMALL_ITEMS).output.toString('latin1'), TEXT_REPLY);
  });

  test('split: text, random three-way splits', () => {
    const random = createRandom(17);
    for (let round = 0; round < 300; round++) {
      const cuts = [random.int(TEXT_REQUEST.length + 1), random.int(TEXT_REQUEST.length + 1)].sort((a, b) => a - b);
      const pieces = [TEXT_REQUEST.subarray(0, cuts[0]), TEXT_REQUEST.subarray(cuts[0], cuts[1]), TEXT_REQUEST.subarray(cuts[1])];
      assert.equal(runPieces('text', pieces, SMALL_ITEMS).output.toString('latin1'), TEXT_REPLY, `cuts ${cuts.join(',')}`);
    }
  });

  test('split: binary, every two-way split', () => {
    const reference = runPieces('binary', [BINARY_REQUEST], SMALL_ITEMS);
    assert.equal(reference.closed, false);
    // Responses: SET, GETK, INCREMENT x2, too large, unknown, PREPEND, GET, NOOP (GETQ miss is silent).
    assert.equal(reference.output.length > 0, true);
    const opaques: number[] = [];
    for (let offset = 0; offset < reference.output.length; ) {
      opaques.push(reference.output.readUInt32BE(offset + 12));
      offset += 24 + reference.output.readUInt32BE(offset + 8);
    }
    assert.deepEqual(opaques, [1, 2, 4, 5, 6, 7, 8, 9, 10]);

    for (let cut = 0; cut <= BINARY_REQUEST.length; cut++) {
      const { output } = runPieces('binary', [BINARY_REQUEST.subarray(0, cut), BINARY_REQUEST.subarray(cut)], SMALL_ITEMS);
      assert.deepEqual(output, reference.output, `cut at byte ${cut}`);
    }
  });

  test('split: over-long line closes at any split', () => {
    const stream = Buffer.from(`version\r\n${'x'.repeat(1100)}\r\nversion\r\n`, 'latin1');
    for (let cut = 0; cut <= stream.length; cut += 7) {
      const result = runPieces('text', [stream.subarray(0, cut), stream.subarray(cut)]);
      assert.equal(result.closed, true, `cut at byte ${cut}`);
      assert.equal(result.output.toString('latin1'), 'VERSION 1.4.39\r\n', `cut at byte ${cut}`);
    }
  });
});

/** Mutations of valid commands that reach the error paths. */
function mutatedStream(random: ReturnType<typeof createRandom>): Buffer {
  const templates = [
    'set k%d 0 0 5\r\nhello\r\n',
    'get k%d k1 k2\r\n',
    'gets k%d\r\n',
    'add k%d 4294967296 100 3\r\nabc\r\n',
    'cas k%d 0 0 1 99\r\nz\r\n',
    'incr k%d 18446744073709551615\r\n',
    'decr k%d -1\r\n',
    'delete k%d 0 noreply\r\n',
    'touch k%d -1\r\n',
    'append k%d 0 0 2\r\n!!\r\n',
    'stats\r\n',
    'stats items\r\n',
    'flush_all noreply\r\n',
    'verbosity\r\n',
    'set k%d 0 0 -1\r\n',
    'set k%d 0 0 99999999\r\n',
  ];
  const parts: Buffer[] = [];
  const count = 1 + random.int(12);
  for (let i = 0; i < count; i++) {
    const bytes = Buffer.from(random.pick(templates).replace('%d', String(random.int(50))), 'latin1');
    const mutations = random.int(4);
    let mutated = bytes;
    for (let m = 0; m < mutations; m++) {
      const position = random.int(mutated.length);
      switch (random.int(5)) {
        case 0:
          mutated[position] = random.int(256);
          break;
        case 1:
          mutated = Buffer.concat([mutated.subarray(0, position), mutated.subarray(position + 1)]);
          break;
        case 2:
          mutated = Buffer.concat([mutated.subarray(0, position), Buffer.from([random.pick([0x0a, 0x0d, 0x20, 0x00, 0x80, 0x2d])]), mutated.subarray(position)]);
          break;
        case 3:
          mutated = mutated.subarray(0, position);
          break;
        default:
          mutated = Buffer.concat([mutated.subarray(0, position), Buffer.from(random.pick(['18446744073709551616', '-2147483649', ' noreply', '\t', 'x'.repeat(300)])), mutated.subarray(position)]);
      }
      if (mutated.length === 0) break;
    }
    parts.push(Buffer.from(mutated));
  }
  return Buffer.concat(parts);
}

/** Random binary requests: valid headers with random fields, lengths kept small enough to send. */
function randomBinaryStream(random: ReturnType<typeof createRandom>): Buffer {
  const parts: Buffer[] = [];
  const count = 1 + random.int(8);
  for (let i = 0; i < count; i++) {
    const keyLength = random.int(12);
    const extrasLength = random.pick([0, 0, 4, 8, 20, random.int(30)]);
    const valueLength = random.int(40);
    const header = Buffer.alloc(24);
    header[0] = random.next() < 0.95 ? 0x80 : random.int(256);
    header[1] = random.next() < 0.8 ? random.int(0x25) : random.int(256);
    header.writeUInt16BE(random.next() < 0.9 ? keyLength : random.int(65536), 2);
    header[4] = random.next() < 0.9 ? extrasLength : random.int(256);
    header.writeUInt32BE(random.next() < 0.9 ? keyLength + extrasLength + valueLength : random.int(1_000_000), 8);
    header.writeUInt32BE(random.int(2 ** 32), 12);
    header.writeBigUInt64BE(random.next() < 0.8 ? 0n : BigInt(random.int(2 ** 32)), 16);
    const body = Buffer.alloc(keyLength + extrasLength + valueLength);
    for (let b = 0; b < body.length; b++) body[b] = random.next() < 0.5 ? 0x6b : random.int(256);
    parts.push(header, body);
  }
  return Buffer.concat(parts);
}

function randomBytes(random: ReturnType<typeof createRandom>): Buffer {
  const bytes = Buffer.alloc(1 + random.int(3000));
  for (let i = 0; i < bytes.length; i++) bytes[i] = random.int(256);
  return bytes;
}

/** Sends `stream` in random pieces, half-closes, reads everything, and waits for the close. */
function sendHostile(port: number, stream: Buffer, random: ReturnType<typeof createRandom>): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`hostile stream of ${stream.length} bytes not closed within 5 s: ${stream.subarray(0, 80).toString('hex')}`));
    }, 5_000);
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on('connect', () => {
      let offset = 0;
      while (offset < stream.length) {
        const length = 1 + random.int(Math.max(1, stream.length - offset));
        socket.write(stream.subarray(offset, offset + length));
        offset += length;
      }
      socket.end();
    });
  });
}

/** Checks that a fresh client gets exact replies in both protocols. */
async function assertServerHealthy(harness: TestServer, round: number): Promise<void> {
  const client = await RawClient.connect(harness.port);
  try {
    const key = `healthy${round}`;
    assert.equal(await client.text(`set ${key} 3 0 2\r\nok\r\nget ${key}\r\nincr ${key}x 1\r\n`), `STORED\r\nVALUE ${key} 3 2\r\nok\r\nEND\r\nNOT_FOUND\r\n`);
  } finally {
    client.close();
  }
  const binary = await RawClient.connect(harness.port);
  try {
    const [version] = await binaryExchange(binary, binaryRequest({ opcode: 0x0b }));
    assert.equal(version!.value.toString(), '1.4.39');
  } finally {
    binary.close();
  }
}

/** A `gc` function, exposed at run time because the test runner does not pass --expose-gc. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function usedMemoryBytes(gc: () => void): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

describe('random and mutated streams', () => {
  let harness: TestServer;

  before(async () => {
    harness = await startTestServer({ capacity: 200, limits: { maxItemBytes: 64 * 1024, maxBufferBytes: 128 * 1024 } });
  });

  after(async () => {
    await harness.close();
  });

  test('hostile: server survives, memory bounded', async () => {
    const gc = exposeGc();
    const random = createRandom(20_240_601);
    const generators = [mutatedStream, randomBinaryStream, randomBytes];
    const roundCount = 12;
    const streamsPerRound = 100;
    let baselineBytes = 0;

    for (let round = 0; round < roundCount; round++) {
      for (let i = 0; i < streamsPerRound; i++) {
        const generate = generators[i % generators.length]!;
        let stream = generate(random);
        if (generate === mutatedStream && random.next() < 0.2) stream = Buffer.concat([Buffer.from([0x80]), stream]);
        await sendHostile(harness.port, stream, random);
      }
      await assertServerHealthy(harness, round);
      await waitUntil(() => harness.server.stats().currConnections === 0, 'hostile connections are gone');
      if (round === 1) baselineBytes = usedMemoryBytes(gc);
    }

    const finalBytes = usedMemoryBytes(gc);
    const growthBytes = finalBytes - baselineBytes;
    assert.ok(growthBytes < 32 * 1024 * 1024, `memory grew by ${(growthBytes / 1048576).toFixed(1)} MiB over ${roundCount - 2} rounds`);
    assert.ok(harness.table.stats().currItems <= 200);
  });

  test('hostile: oversize text value not buffered', async () => {
    const gc = exposeGc();
    const client = await RawClient.connect(harness.port);
    const before = usedMemoryBytes(gc);
    client.send('set huge 0 0 100000000\r\n');
    assert.equal(await client.readUntilEndsWith('\r\n'), 'SERVER_ERROR object too large for cache\r\n');
    const chunk = Buffer.alloc(1024 * 1024, 0x78);
    for (let i = 0; i < 40; i++) client.send(chunk);
    await waitUntil(() => harness.server.stats().counters.bytesRead >= 40 * chunk.length, 'the server read 40 MiB', 20_000);
    const during = usedMemoryBytes(gc);
    assert.ok(during - before < 16 * 1024 * 1024, `memory grew by ${((during - before) / 1048576).toFixed(1)} MiB while swallowing`);
    client.close();
  });

  test('hostile: huge binary body not buffered', async () => {
    const gc = exposeGc();
    const client = await RawClient.connect(harness.port);
    const before = usedMemoryBytes(gc);
    const readBefore = harness.server.stats().counters.bytesRead;
    client.send(binaryRequest({ opcode: 0x01, key: 'huge', extras: storeExtras(0, 0), bodyLength: 200_000_000 }));
    const chunk = Buffer.alloc(1024 * 1024, 0x78);
    for (let i = 0; i < 40; i++) client.send(chunk);
    await waitUntil(() => harness.server.stats().counters.bytesRead - readBefore >= 40 * chunk.length, 'the server read 40 MiB', 20_000);
    const during = usedMemoryBytes(gc);
    assert.ok(during - before < 16 * 1024 * 1024, `memory grew by ${((during - before) / 1048576).toFixed(1)} MiB while swallowing`);
    client.close();
  });

  test('hostile: many partial commands', async () => {
    const clients: RawClient[] = [];
    for (let i = 0; i < 50; i++) {
      const client = await RawClient.connect(harness.port);
      client.send(i % 2 === 0 ? `set partial${i} 0 0 60000\r\n${'p'.repeat(30_000)}` : `get ${'k '.repeat(400)}`);
      clients.push(client);
    }
    await assertServerHealthy(harness, 1000);
    for (const client of clients) client.close();
    await waitUntil(() => harness.server.stats().currConnections === 0, 'partial connections are gone');
  });
});
