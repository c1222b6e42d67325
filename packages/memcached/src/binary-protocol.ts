import type { ItemView } from '@triggerbox/session-table';

import {
  HEADER_BYTES,
  NO_AUTO_CREATE_EXPTIME,
  Opcode,
  REQUEST_MAGIC,
  RESPONSE_MAGIC,
  STATUS_TEXT,
  Status,
  carriesValue,
  checkRequestLengths,
  readRequestHeader,
  type RequestHeader,
} from './binary-format.js';
import { decodeExptime } from './exptime.js';
import type { InputBuffer } from './input-buffer.js';
import type { StoreMode, StoreOutcome } from './item-operations.js';
import { KEY_MAX_BYTES, decodeKey } from './keys.js';
import type { ProtocolContext, ProtocolSession, SessionStatus } from './protocol-context.js';
import type { ReplyWriter } from './reply-writer.js';

/** Body layout of the request being handled: extras at `start`, then the key, then the value. */
interface RequestBody {
  data: Buffer;
  start: number;
  keyStart: number;
  keyEnd: number;
  valueEnd: number;
}

/**
 * The memcached binary protocol on one connection or datagram. Every length is checked from
 * the 24-byte header before the body is read, so a hostile length never makes the server
 * buffer more than one item. A framing error gets the error response memcached sends, then the
 * connection closes.
 */
export class BinarySession implements ProtocolSession {
  readonly #ctx: ProtocolContext;
  readonly #out: ReplyWriter;
  /** Reply bytes this session may still queue before `process` returns `output-full`. */
  outputBudget = Number.POSITIVE_INFINITY;

  #header: RequestHeader | null = null;
  #swallowRemaining = 0;
  closeReason = '';

  constructor(ctx: ProtocolContext, out: ReplyWriter) {
    this.#ctx = ctx;
    this.#out = out;
  }

  get idle(): boolean {
    return this.#header === null && this.#swallowRemaining === 0;
  }

  process(input: InputBuffer): SessionStatus {
    for (;;) {
      if (this.#out.length >= this.outputBudget) return 'output-full';

      if (this.#swallowRemaining > 0) {
        const byteCount = Math.min(this.#swallowRemaining, input.length);
        if (byteCount === 0) return 'need-input';
        input.consume(byteCount);
        this.#swallowRemaining -= byteCount;
        continue;
      }

      if (this.#header === null) {
        if (input.length < HEADER_BYTES) return 'need-input';
        const status = this.#readHeader(input);
        if (status !== null) return status;
        continue;
      }

      const status = this.#processBody(input, this.#header);
      if (status !== null) return status;
    }
  }

  /** Reads and checks a header. Returns 'close' for a framing error, else null. */
  #readHeader(input: InputBuffer): SessionStatus | null {
    const data = input.data;
    if (data[input.start] !== REQUEST_MAGIC) {
      this.#ctx.counters.protocolKicks++;
      this.closeReason = `bad magic byte 0x${data[input.start]!.toString(16)}`;
      return 'close';
    }
    const header = readRequestHeader(data, input.start);
    input.consume(HEADER_BYTES);

    if (header.keyLength + header.extrasLength > header.bodyLength) {
      this.#sendError(header, Status.UNKNOWN_COMMAND);
      return this.#kick(header, 'key and extras longer than the body');
    }
    if (header.keyLength > KEY_MAX_BYTES) {
      this.#sendError(header, Status.INVALID_ARGUMENTS);
      return this.#kick(header, 'key over 250 bytes');
    }

    switch (checkRequestLengths(header)) {
      case 'invalid':
        this.#sendError(header, Status.INVALID_ARGUMENTS);
        return this.#kick(header, 'invalid extras, key or body length');
      case 'unknown':
        // 1.4.39 sends the error and skips exactly the body, so the stream stays aligned.
        this.#sendError(header, Status.UNKNOWN_COMMAND);
        this.#swallowRemaining = header.bodyLength;
        this.#out.endReply();
        return null;
      case 'valid':
        this.#header = header;
        return null;
    }
  }

  #kick(header: RequestHeader, reason: string): SessionStatus {
    this.#ctx.counters.protocolKicks++;
    this.closeReason = `${reason} (opcode 0x${header.opcode.toString(16)}, key ${header.keyLength}, extras ${header.extrasLength}, body ${header.bodyLength})`;
    return 'close';
  }

  /** Handles the body of `header` once enough of it is buffered. */
  #processBody(input: InputBuffer, header: RequestHeader): SessionStatus | null {
    const prefixLength = header.extrasLength + header.keyLength;
    if (input.length < prefixLength) return 'need-input';

    const data = input.data;
    const start = input.start;
    const keyStart = start + header.extrasLength;
    const keyEnd = keyStart + header.keyLength;

    if (carriesValue(header.command)) {
      const valueLength = header.bodyLength - prefixLength;
      if (this.#ctx.ops.isTooLarge(header.keyLength, valueLength)) {
        this.#rejectTooLarge(header, decodeKey(data, keyStart, keyEnd));
        input.consume(prefixLength);
        this.#swallowRemaining = valueLength;
        this.#finish();
        return null;
      }
    }
    if (input.length < header.bodyLength) return 'need-input';

    const status = this.#execute(header, { data, start, keyStart, keyEnd, valueEnd: start + header.bodyLength });
    input.consume(header.bodyLength);
    this.#finish();
    return status;
  }

  #finish(): void {
    this.#header = null;
    this.#out.endReply();
  }

  #rejectTooLarge(header: RequestHeader, key: string): void {
    this.#sendError(header, Status.VALUE_TOO_LARGE);
    // Like the text protocol, a failed SET must not leave the old value behind.
    if (header.command === Opcode.SET) this.#ctx.ops.dropAfterFailedSet(key);
  }

  #execute(header: RequestHeader, body: RequestBody): SessionStatus | null {
    switch (header.command) {
      case Opcode.GET:
      case Opcode.GETK:
        this.#get(header, body);
        return null;
      case Opcode.SET:
      case Opcode.ADD:
      case Opcode.REPLACE:
      case Opcode.APPEND:
      case Opcode.PREPEND:
        this.#store(header, body);
        return null;
      case Opcode.DELETE:
        this.#delete(header, body);
        return null;
      case Opcode.INCREMENT:
      case Opcode.DECREMENT:
        this.#arithmetic(header, body);
        return null;
      case Opcode.TOUCH:
      case Opcode.GAT:
      case Opcode.GATK:
        this.#touch(header, body);
        return null;
      case Opcode.STAT:
        this.#stats(header, body);
        return null;
      case Opcode.FLUSH:
        // Rejected as `memcached -F` rejects it. The error is sent for FLUSHQ too.
        this.#ctx.counters.cmdFlush++;
        this.#sendError(header, Status.AUTH_ERROR);
        return null;
      case Opcode.VERSION:
        this.#sendSuccess(header, 0n, Buffer.from(this.#ctx.version, 'latin1'));
        return null;
      case Opcode.NOOP:
        this.#sendSuccess(header, 0n, null);
        return null;
      case Opcode.QUIT:
        if (!header.quiet) this.#sendSuccess(header, 0n, null);
        this.closeReason = 'quit';
        return 'close';
    }
    return null;
  }

  #get(header: RequestHeader, body: RequestBody): void {
    const item = this.#ctx.ops.get(decodeKey(body.data, body.keyStart, body.keyEnd));
    this.#sendItemOrMiss(header, body, item, true);
  }

  /**
   * Sends a hit with flags, the key for GETK/GATK, and the value unless it is TOUCH. A miss is
   * silent for quiet gets; GETK and GATK misses echo the key instead of an error text.
   */
  #sendItemOrMiss(header: RequestHeader, body: RequestBody, item: ItemView | null, withValue: boolean): void {
    const withKey = header.command === Opcode.GETK || header.command === Opcode.GATK;
    const keyLength = body.keyEnd - body.keyStart;

    if (item === null) {
      if (header.quiet) return;
      if (!withKey) {
        this.#sendError(header, Status.KEY_NOT_FOUND);
        return;
      }
      this.#writeHeader(header, Status.KEY_NOT_FOUND, keyLength, 0, keyLength, 0n);
      this.#out.writeCopy(body.data, body.keyStart, body.keyEnd);
      return;
    }

    const echoedKeyLength = withKey ? keyLength : 0;
    const valueLength = withValue ? item.data.length : 0;
    this.#writeHeader(header, Status.SUCCESS, echoedKeyLength, 4, 4 + echoedKeyLength + valueLength, item.cas);
    this.#out.writeUInt32BE(item.flags);
    if (withKey) this.#out.writeCopy(body.data, body.keyStart, body.keyEnd);
    if (withValue) this.#out.writeStable(item.data);
  }

  #store(header: RequestHeader, body: RequestBody): void {
    const { data, start, keyStart, keyEnd, valueEnd } = body;
    const hasExtras = header.extrasLength === 8;
    const flags = hasExtras ? data.readUInt32BE(start) : 0;
    const exptime = hasExtras ? data.readUInt32BE(start + 4) : 0;

    const mode = storeModeOf(header);
    const key = decodeKey(data, keyStart, keyEnd);
    const expiry = decodeExptime(exptime, this.#ctx.clock.nowMs());
    const value = data.subarray(keyEnd, valueEnd);
    this.#ctx.counters.cmdSet++;

    const result = this.#ctx.ops.store(mode, key, keyEnd - keyStart, value, flags, expiry, header.cas);
    if (result.outcome === 'stored') {
      if (!header.quiet) this.#sendSuccess(header, result.cas, null);
      return;
    }
    this.#sendError(header, storeErrorStatus(header.command, result.outcome));
  }

  #delete(header: RequestHeader, body: RequestBody): void {
    const key = decodeKey(body.data, body.keyStart, body.keyEnd);
    const outcome = this.#ctx.ops.delete(key, header.cas);
    if (outcome === 'deleted') {
      if (!header.quiet) this.#sendSuccess(header, 0n, null);
      return;
    }
    this.#sendError(header, outcome === 'exists' ? Status.KEY_EXISTS : Status.KEY_NOT_FOUND);
  }

  /**
   * INCREMENT/DECREMENT: extras are delta (u64), initial (u64) and exptime (u32). A missing key
   * is created with `initial`, and no delta applied, unless exptime is 0xffffffff.
   */
  #arithmetic(header: RequestHeader, body: RequestBody): void {
    const { data, start } = body;
    const delta = data.readBigUInt64BE(start);
    const initial = data.readBigUInt64BE(start + 8);
    const exptime = data.readUInt32BE(start + 16);
    const key = decodeKey(data, body.keyStart, body.keyEnd);
    const ops = this.#ctx.ops;

    const result = ops.applyDelta(key, header.command === Opcode.INCREMENT, delta, header.cas);
    switch (result.outcome) {
      case 'ok':
        if (!header.quiet) this.#sendCounter(header, result.value, result.cas);
        return;
      case 'non-numeric':
        this.#sendError(header, Status.NON_NUMERIC);
        return;
      case 'exists':
        this.#sendError(header, Status.KEY_EXISTS);
        return;
      case 'not-found':
        break;
    }

    if (exptime === NO_AUTO_CREATE_EXPTIME) {
      this.#sendError(header, Status.KEY_NOT_FOUND);
      return;
    }
    const cas = ops.createCounter(key, initial, decodeExptime(exptime, this.#ctx.clock.nowMs()));
    if (cas === 0n) this.#sendError(header, Status.NOT_STORED);
    else if (!header.quiet) this.#sendCounter(header, initial, cas);
  }

  #sendCounter(header: RequestHeader, value: bigint, cas: bigint): void {
    this.#writeHeader(header, Status.SUCCESS, 0, 0, 8, cas);
    this.#out.writeBigUInt64BE(value);
  }

  /** TOUCH, GAT and GATK: extras are the new exptime (u32). */
  #touch(header: RequestHeader, body: RequestBody): void {
    const exptime = body.data.readUInt32BE(body.start);
    const key = decodeKey(body.data, body.keyStart, body.keyEnd);
    const item = this.#ctx.ops.touch(key, decodeExptime(exptime, this.#ctx.clock.nowMs()));
    this.#sendItemOrMiss(header, body, item, header.command !== Opcode.TOUCH);
  }

  /** STAT: one response per stat (key = name, value = text), then an empty one. The key selects the group. */
  #stats(header: RequestHeader, body: RequestBody): void {
    const group = body.data.toString('latin1', body.keyStart, body.keyEnd);
    if (group.startsWith('reset')) {
      this.#ctx.resetStats();
    } else {
      const lines = this.#ctx.statsGroup(group.startsWith('settings') ? 'settings' : group);
      if (lines === null) {
        this.#sendError(header, Status.KEY_NOT_FOUND);
        return;
      }
      for (const [name, value] of lines) {
        this.#writeHeader(header, Status.SUCCESS, name.length, 0, name.length + value.length, 0n);
        this.#out.writeLatin1(name);
        this.#out.writeLatin1(value);
      }
    }
    this.#writeHeader(header, Status.SUCCESS, 0, 0, 0, 0n);
  }

  /** A success response with no extras and no key; quiet commands do not call it. */
  #sendSuccess(header: RequestHeader, cas: bigint, value: Buffer | null): void {
    const valueLength = value === null ? 0 : value.length;
    this.#writeHeader(header, Status.SUCCESS, 0, 0, valueLength, cas);
    if (value !== null) this.#out.writeCopy(value, 0, valueLength);
  }

  /** An error response: status and memcached's error text as the value. */
  #sendError(header: RequestHeader, status: number): void {
    const text = STATUS_TEXT[status] ?? '';
    this.#writeHeader(header, status, 0, 0, text.length, 0n);
    this.#out.writeLatin1(text);
  }

  #writeHeader(
    header: RequestHeader,
    status: number,
    keyLength: number,
    extrasLength: number,
    bodyLength: number,
    cas: bigint,
  ): void {
    const out = this.#out;
    out.writeUInt8(RESPONSE_MAGIC);
    out.writeUInt8(header.opcode);
    out.writeUInt16BE(keyLength);
    out.writeUInt8(extrasLength);
    out.writeUInt8(0);
    out.writeUInt16BE(status);
    out.writeUInt32BE(bodyLength);
    out.writeUInt32BE(header.opaque);
    out.writeBigUInt64BE(cas);
  }
}

/** SET/ADD/REPLACE with a non-zero cas in the header act as `cas`, as in memcached 1.4. */
function storeModeOf(header: RequestHeader): StoreMode {
  switch (header.command) {
    case Opcode.APPEND:
      return 'append';
    case Opcode.PREPEND:
      return 'prepend';
    default:
      if (header.cas !== 0n) return 'cas';
      if (header.command === Opcode.ADD) return 'add';
      if (header.command === Opcode.REPLACE) return 'replace';
      return 'set';
  }
}

/** Status for a store that did not happen: memcached reports `not stored` by command. */
function storeErrorStatus(command: number, outcome: StoreOutcome): number {
  if (outcome === 'exists') return Status.KEY_EXISTS;
  if (outcome === 'not-found') return Status.KEY_NOT_FOUND;
  if (command === Opcode.ADD) return Status.KEY_EXISTS;
  if (command === Opcode.REPLACE) return Status.KEY_NOT_FOUND;
  return Status.NOT_STORED;
}
