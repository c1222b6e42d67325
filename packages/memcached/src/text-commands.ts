import type { ItemExpiry } from '@triggerbox/session-table';

import { decodeExptime } from './exptime.js';
import type { StoreMode, StoreOutcome } from './item-operations.js';
import { KEY_MAX_BYTES, decodeKey } from './keys.js';
import { parseFlags, parseI32, parseU64 } from './numbers.js';
import type { ProtocolContext } from './protocol-context.js';
import type { ReplyWriter } from './reply-writer.js';

/** A tokenized command line: word `i` is `data[starts[i], ends[i])`. */
export interface CommandLine {
  data: Buffer;
  starts: Int32Array;
  ends: Int32Array;
  count: number;
}

/** A storage command whose data block has not been read yet. */
export interface PendingStore {
  mode: StoreMode;
  key: string;
  keyByteCount: number;
  flags: number;
  expiry: ItemExpiry;
  byteCount: number;
  casUnique: bigint;
  noreply: boolean;
}

/** Operations a command handler may perform on its text session. */
export interface TextSessionControl {
  readonly ctx: ProtocolContext;
  readonly out: ReplyWriter;
  /** Sends `line` and CRLF, unless the command carried `noreply`. */
  reply(line: string, noreply: boolean): void;
  /** Makes the next `byteCount + 2` input bytes the data block of `store`. */
  expectData(store: PendingStore): void;
  /** Discards the next `byteCount` input bytes (the data block of a rejected oversize store). */
  swallow(byteCount: number): void;
}

export const BAD_FORMAT = 'CLIENT_ERROR bad command line format';
const DELETE_USAGE = 'CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]';
const NOREPLY = Buffer.from('noreply', 'latin1');
const SPACE = 0x20;
const INT32_MAX = 2 ** 31 - 1;
const NEVER: ItemExpiry = Object.freeze({ kind: 'never' });

const STORE_REPLIES: Record<StoreOutcome, string> = {
  stored: 'STORED',
  'not-stored': 'NOT_STORED',
  exists: 'EXISTS',
  'not-found': 'NOT_FOUND',
};

export function storeReply(outcome: StoreOutcome): string {
  return STORE_REPLIES[outcome];
}

function wordLength(line: CommandLine, index: number): number {
  return line.ends[index]! - line.starts[index]!;
}

function wordEquals(line: CommandLine, index: number, expected: Buffer): boolean {
  const start = line.starts[index]!;
  if (line.ends[index]! - start !== expected.length) return false;
  const data = line.data;
  for (let i = 0; i < expected.length; i++) {
    if (data[start + i] !== expected[i]) return false;
  }
  return true;
}

function wordText(line: CommandLine, index: number): string {
  return line.data.toString('latin1', line.starts[index]!, line.ends[index]!);
}

/** memcached's `set_noreply_maybe`: the command is silent when its last word is exactly `noreply`. */
export function endsWithNoreply(line: CommandLine, lastIndex = line.count - 1): boolean {
  return wordEquals(line, lastIndex, NOREPLY);
}

function keyOf(line: CommandLine, index: number): string {
  return decodeKey(line.data, line.starts[index]!, line.ends[index]!);
}

/**
 * `set|add|replace|append|prepend <key> <flags> <exptime> <bytes> [noreply]` and
 * `cas <key> <flags> <exptime> <bytes> <unique> [noreply]`. memcached 1.4 keeps at most seven
 * words, so for `cas` the seventh word decides `noreply` and any later words are ignored.
 */
export function runStorage(control: TextSessionControl, line: CommandLine, mode: StoreMode): void {
  const noreply = endsWithNoreply(line, Math.min(line.count, 7) - 1);
  const keyByteCount = wordLength(line, 1);
  if (keyByteCount > KEY_MAX_BYTES) {
    control.reply(BAD_FORMAT, noreply);
    return;
  }

  const data = line.data;
  const flags = parseFlags(data, line.starts[2]!, line.ends[2]!);
  const exptime = parseI32(data, line.starts[3]!, line.ends[3]!);
  const byteCount = parseI32(data, line.starts[4]!, line.ends[4]!);
  if (flags === null || exptime === null || byteCount === null) {
    control.reply(BAD_FORMAT, noreply);
    return;
  }

  let casUnique = 0n;
  if (mode === 'cas') {
    const unique = parseU64(data, line.starts[5]!, line.ends[5]!);
    if (unique === null) {
      control.reply(BAD_FORMAT, noreply);
      return;
    }
    casUnique = unique;
  }
  if (byteCount < 0 || byteCount > INT32_MAX - 2) {
    control.reply(BAD_FORMAT, noreply);
    return;
  }

  const key = keyOf(line, 1);
  const ops = control.ctx.ops;
  if (ops.isTooLarge(keyByteCount, byteCount)) {
    // The server swallows the data block to stay in sync, and a failed `set` must not leave
    // the old value behind.
    control.reply('SERVER_ERROR object too large for cache', noreply);
    if (mode === 'set') ops.dropAfterFailedSet(key);
    control.swallow(byteCount + 2);
    return;
  }

  const expiry = exptime === 0 ? NEVER : decodeExptime(exptime, control.ctx.clock.nowMs());
  control.expectData({ mode, key, keyByteCount, flags, expiry, byteCount, casUnique, noreply });
}

/**
 * `get|gets <key>*`: one VALUE block per key found, in request order, then END. A key over
 * 250 bytes drops the whole reply and sends only the CLIENT_ERROR, as memcached 1.4 does.
 */
export function runRetrieval(control: TextSessionControl, line: CommandLine, withCas: boolean): void {
  const out = control.out;
  const ops = control.ctx.ops;
  const data = line.data;
  out.setMark();

  for (let i = 1; i < line.count; i++) {
    const start = line.starts[i]!;
    const end = line.ends[i]!;
    if (end - start > KEY_MAX_BYTES) {
      out.rollbackToMark();
      control.reply(BAD_FORMAT, false);
      return;
    }

    const item = ops.get(decodeKey(data, start, end));
    if (item === null) continue;
    out.writeLatin1('VALUE ');
    out.writeCopy(data, start, end);
    out.writeUInt8(SPACE);
    out.writeDecimal(item.flags);
    out.writeUInt8(SPACE);
    out.writeDecimal(item.data.length);
    if (withCas) out.writeLatin1(` ${item.cas}`);
    out.writeLatin1('\r\n');
    out.writeStable(item.data);
    out.writeLatin1('\r\n');
  }
  out.writeLatin1('END\r\n');
}

/** `delete <key> [0] [noreply]`; the `0` is a hold time old clients send. */
export function runDelete(control: TextSessionControl, line: CommandLine): void {
  let noreply = false;
  if (line.count > 2) {
    const holdIsZero = line.ends[2]! - line.starts[2]! === 1 && line.data[line.starts[2]!] === 0x30;
    noreply = endsWithNoreply(line);
    const valid = (line.count === 3 && (holdIsZero || noreply)) || (line.count === 4 && holdIsZero && noreply);
    if (!valid) {
      control.reply(DELETE_USAGE, noreply);
      return;
    }
  }
  if (wordLength(line, 1) > KEY_MAX_BYTES) {
    control.reply(BAD_FORMAT, noreply);
    return;
  }

  const outcome = control.ctx.ops.delete(keyOf(line, 1), 0n);
  control.reply(outcome === 'deleted' ? 'DELETED' : 'NOT_FOUND', noreply);
}

/** `incr|decr <key> <delta> [noreply]`: replies with the new value in decimal. */
export function runArithmetic(control: TextSessionControl, line: CommandLine, increment: boolean): void {
  const noreply = endsWithNoreply(line);
  if (wordLength(line, 1) > KEY_MAX_BYTES) {
    control.reply(BAD_FORMAT, noreply);
    return;
  }
  const delta = parseU64(line.data, line.starts[2]!, line.ends[2]!);
  if (delta === null) {
    control.reply('CLIENT_ERROR invalid numeric delta argument', noreply);
    return;
  }

  const result = control.ctx.ops.applyDelta(keyOf(line, 1), increment, delta, 0n);
  switch (result.outcome) {
    case 'ok':
      control.reply(result.value.toString(), noreply);
      break;
    case 'non-numeric':
      control.reply('CLIENT_ERROR cannot increment or decrement non-numeric value', noreply);
      break;
    case 'not-found':
    case 'exists':
      control.reply('NOT_FOUND', noreply);
      break;
  }
}

/** `touch <key> <exptime> [noreply]`: new expiry, same value, flags and cas unique. */
export function runTouch(control: TextSessionControl, line: CommandLine): void {
  const noreply = endsWithNoreply(line);
  if (wordLength(line, 1) > KEY_MAX_BYTES) {
    control.reply(BAD_FORMAT, noreply);
    return;
  }
  const exptime = parseI32(line.data, line.starts[2]!, line.ends[2]!);
  if (exptime === null) {
    control.reply('CLIENT_ERROR invalid exptime argument', noreply);
    return;
  }

  const expiry = decodeExptime(exptime, control.ctx.clock.nowMs());
  const item = control.ctx.ops.touch(keyOf(line, 1), expiry);
  control.reply(item === null ? 'NOT_FOUND' : 'TOUCHED', noreply);
}

/**
 * `stats [group]`: plain stats, `settings`, or `reset`. Every other group, including the
 * `items`, `slabs` and `sizes` groups this server does not keep, gets ERROR as an unknown
 * group does in memcached.
 */
export function runStats(control: TextSessionControl, line: CommandLine): void {
  const group = line.count > 1 ? wordText(line, 1) : '';
  if (group === 'reset') {
    control.ctx.resetStats();
    control.reply('RESET', false);
    return;
  }

  const lines = control.ctx.statsGroup(group);
  if (lines === null) {
    control.reply('ERROR', false);
    return;
  }
  let text = '';
  for (const [name, value] of lines) text += `STAT ${name} ${value}\r\n`;
  control.out.writeLatin1(`${text}END\r\n`);
}

/** `flush_all [delay] [noreply]` is rejected as `memcached -F` rejects it, and counted in `cmd_flush`. */
export function runFlushAll(control: TextSessionControl, line: CommandLine): void {
  control.ctx.counters.cmdFlush++;
  control.reply('CLIENT_ERROR flush_all not allowed', endsWithNoreply(line));
}

/** `verbosity <level> [noreply]`: accepted and ignored; the level is not validated. */
export function runVerbosity(control: TextSessionControl, line: CommandLine): void {
  control.reply('OK', endsWithNoreply(line));
}
