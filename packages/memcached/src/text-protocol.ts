import type { InputBuffer } from './input-buffer.js';
import { MAX_TEXT_LINE_BYTES } from './limits.js';
import type { ProtocolContext, ProtocolSession, SessionStatus } from './protocol-context.js';
import type { ReplyWriter } from './reply-writer.js';
import {
  runArithmetic,
  runDelete,
  runFlushAll,
  runRetrieval,
  runStats,
  runStorage,
  runTouch,
  runVerbosity,
  storeReply,
  type CommandLine,
  type PendingStore,
  type TextSessionControl,
} from './text-commands.js';

const SPACE = 0x20;
const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;

/** memcached 1.4 allows at most this many spaces before `get ` on an over-long line. */
const MAX_LEADING_SPACES = 100;

const GET_PREFIX = Buffer.from('get ', 'latin1');
const GETS_PREFIX = Buffer.from('gets ', 'latin1');

/**
 * The memcached text protocol on one connection or datagram. Lines end at `\n` (a `\r` before
 * it is dropped) and split on spaces only. Data blocks are taken by their byte count, never by
 * searching for CRLF. A line that arrives in pieces is searched for `\n` once, not again per read.
 */
export class TextSession implements ProtocolSession, TextSessionControl {
  readonly ctx: ProtocolContext;
  readonly out: ReplyWriter;
  /** Reply bytes this session may still queue before `process` returns `output-full`. */
  outputBudget = Number.POSITIVE_INFINITY;

  #line: CommandLine = { data: Buffer.alloc(0), starts: new Int32Array(16), ends: new Int32Array(16), count: 0 };
  #pending: PendingStore | null = null;
  #swallowRemaining = 0;
  /** Bytes of the current partial line already searched for `\n`. */
  #scannedBytes = 0;
  closeReason = '';

  constructor(ctx: ProtocolContext, out: ReplyWriter) {
    this.ctx = ctx;
    this.out = out;
  }

  get idle(): boolean {
    return this.#pending === null && this.#swallowRemaining === 0;
  }

  process(input: InputBuffer): SessionStatus {
    for (;;) {
      if (this.out.length >= this.outputBudget) return 'output-full';

      if (this.#swallowRemaining > 0) {
        const byteCount = Math.min(this.#swallowRemaining, input.length);
        if (byteCount === 0) return 'need-input';
        input.consume(byteCount);
        this.#swallowRemaining -= byteCount;
        continue;
      }

      if (this.#pending !== null) {
        if (input.length < this.#pending.byteCount + 2) return 'need-input';
        this.#completeStore(input, this.#pending);
        continue;
      }

      if (input.length === 0) return 'need-input';
      const status = this.#processLine(input);
      if (status !== null) return status;
    }
  }

  reply(line: string, noreply: boolean): void {
    if (!noreply) this.out.writeLatin1(`${line}\r\n`);
  }

  expectData(store: PendingStore): void {
    this.#pending = store;
  }

  swallow(byteCount: number): void {
    this.#swallowRemaining = byteCount;
  }

  /** Handles one command line if a whole one is buffered; returns a status to stop the loop. */
  #processLine(input: InputBuffer): SessionStatus | null {
    const data = input.data;
    const start = input.start;
    const newline = input.indexOfNewline(start + this.#scannedBytes);
    if (newline === -1) {
      this.#scannedBytes = input.length;
      return this.#checkPartialLine(input);
    }
    this.#scannedBytes = 0;

    // The 1024-byte rule is applied to whole lines too, so the outcome does not depend on how
    // TCP happened to split the stream.
    if (newline - start > MAX_TEXT_LINE_BYTES && !isRetrievalLine(data, start, newline)) {
      this.ctx.counters.longLineKicks++;
      this.closeReason = 'command line over 1024 bytes';
      return 'close';
    }

    let lineEnd = newline;
    if (lineEnd > start && data[lineEnd - 1] === CR) lineEnd--;
    this.#tokenize(data, start, lineEnd);
    const status = this.#dispatch();
    input.consume(newline + 1 - start);
    if (this.#pending === null) this.out.endReply();
    return status;
  }

  /**
   * A line without `\n` yet: memcached 1.4 closes the connection once such a line passes 1024
   * bytes, unless it is a `get`/`gets`, whose key lists may be long. Those are bounded by
   * `maxBufferBytes` instead.
   */
  #checkPartialLine(input: InputBuffer): SessionStatus {
    const length = input.length;
    if (length <= MAX_TEXT_LINE_BYTES) return 'need-input';
    if (!isRetrievalLine(input.data, input.start, input.end)) {
      this.ctx.counters.longLineKicks++;
      this.closeReason = 'command line over 1024 bytes';
      return 'close';
    }
    if (length > this.ctx.limits.maxBufferBytes) {
      this.ctx.counters.bufferKicks++;
      this.out.writeLatin1('SERVER_ERROR out of memory reading request\r\n');
      this.closeReason = 'retrieval line over maxBufferBytes';
      return 'close';
    }
    return 'need-input';
  }

  /**
   * Splits `data[start, end)` into words at spaces. A NUL byte ends the line, because
   * memcached's tokenizer works on a C string.
   */
  #tokenize(data: Buffer, start: number, end: number): void {
    const line = this.#line;
    line.data = data;
    let count = 0;
    let i = start;

    for (;;) {
      while (i < end && data[i] === SPACE) i++;
      if (i >= end || data[i] === NUL) break;

      const wordStart = i;
      while (i < end && data[i] !== SPACE && data[i] !== NUL) i++;
      if (count === line.starts.length) this.#growWords();
      line.starts[count] = wordStart;
      line.ends[count] = i;
      count++;
    }
    line.count = count;
  }

  #growWords(): void {
    const line = this.#line;
    const starts = new Int32Array(line.starts.length * 2);
    const ends = new Int32Array(line.ends.length * 2);
    starts.set(line.starts);
    ends.set(line.ends);
    line.starts = starts;
    line.ends = ends;
  }

  /** Runs the tokenized line. Word counts outside a command's range give ERROR, as in memcached 1.4. */
  #dispatch(): SessionStatus | null {
    const line = this.#line;
    const count = line.count;
    if (count === 0) {
      this.reply('ERROR', false);
      return null;
    }

    switch (commandOf(line.data, line.starts[0]!, line.ends[0]!)) {
      case 'get':
      case 'bget':
        if (count < 2) break;
        runRetrieval(this, line, false);
        return null;
      case 'gets':
        if (count < 2) break;
        runRetrieval(this, line, true);
        return null;
      case 'set':
        if (count !== 5 && count !== 6) break;
        runStorage(this, line, 'set');
        return null;
      case 'add':
        if (count !== 5 && count !== 6) break;
        runStorage(this, line, 'add');
        return null;
      case 'replace':
        if (count !== 5 && count !== 6) break;
        runStorage(this, line, 'replace');
        return null;
      case 'append':
        if (count !== 5 && count !== 6) break;
        runStorage(this, line, 'append');
        return null;
      case 'prepend':
        if (count !== 5 && count !== 6) break;
        runStorage(this, line, 'prepend');
        return null;
      case 'cas':
        if (count < 6) break;
        runStorage(this, line, 'cas');
        return null;
      case 'delete':
        if (count < 2 || count > 4) break;
        runDelete(this, line);
        return null;
      case 'incr':
        if (count !== 3 && count !== 4) break;
        runArithmetic(this, line, true);
        return null;
      case 'decr':
        if (count !== 3 && count !== 4) break;
        runArithmetic(this, line, false);
        return null;
      case 'touch':
        if (count !== 3 && count !== 4) break;
        runTouch(this, line);
        return null;
      case 'stats':
        runStats(this, line);
        return null;
      case 'flush_all':
        if (count > 3) break;
        runFlushAll(this, line);
        return null;
      case 'version':
        if (count !== 1) break;
        this.reply(`VERSION ${this.ctx.version}`, false);
        return null;
      case 'verbosity':
        if (count !== 2 && count !== 3) break;
        runVerbosity(this, line);
        return null;
      case 'quit':
        if (count !== 1) break;
        this.closeReason = 'quit';
        return 'close';
      case null:
        break;
    }
    this.reply('ERROR', false);
    return null;
  }

  /**
   * Finishes a storage command once `<bytes>` + 2 octets are buffered. They must end in CRLF,
   * else the reply is `CLIENT_ERROR bad data chunk` and nothing is stored. Either way exactly
   * that many octets are consumed and what follows is the next command.
   */
  #completeStore(input: InputBuffer, store: PendingStore): void {
    const data = input.data;
    const valueStart = input.start;
    const valueEnd = valueStart + store.byteCount;
    this.ctx.counters.cmdSet++;

    if (data[valueEnd] !== CR || data[valueEnd + 1] !== LF) {
      this.reply('CLIENT_ERROR bad data chunk', store.noreply);
    } else {
      const value = data.subarray(valueStart, valueEnd);
      const result = this.ctx.ops.store(
        store.mode,
        store.key,
        store.keyByteCount,
        value,
        store.flags,
        store.expiry,
        store.casUnique,
      );
      this.reply(storeReply(result.outcome), store.noreply);
    }

    this.#pending = null;
    input.consume(store.byteCount + 2);
    this.out.endReply();
  }
}

const COMMAND_NAMES = [
  'get', 'bget', 'gets', 'set', 'add', 'replace', 'append', 'prepend', 'cas', 'delete', 'incr', 'decr',
  'touch', 'stats', 'flush_all', 'version', 'verbosity', 'quit',
] as const;

type CommandName = (typeof COMMAND_NAMES)[number];

/** Command names grouped by length, as bytes, so a name is found without creating a string. */
const COMMANDS_BY_LENGTH: Array<Array<[Buffer, CommandName]>> = [];
for (const name of COMMAND_NAMES) {
  (COMMANDS_BY_LENGTH[name.length] ??= []).push([Buffer.from(name, 'latin1'), name]);
}

/** Looks up the command named by `data[start, end)`; null for an unknown one. */
function commandOf(data: Buffer, start: number, end: number): CommandName | null {
  const candidates = COMMANDS_BY_LENGTH[end - start];
  if (candidates === undefined) return null;
  for (const [bytes, name] of candidates) {
    let i = 0;
    while (i < bytes.length && data[start + i] === bytes[i]) i++;
    if (i === bytes.length) return name;
  }
  return null;
}

/** True when a line starts with `get ` or `gets ` after at most 100 spaces. */
function isRetrievalLine(data: Buffer, start: number, end: number): boolean {
  let i = start;
  while (i < end && data[i] === SPACE) i++;
  if (i - start > MAX_LEADING_SPACES) return false;
  return startsWith(data, i, end, GET_PREFIX) || startsWith(data, i, end, GETS_PREFIX);
}

function startsWith(data: Buffer, at: number, end: number, prefix: Buffer): boolean {
  return end - at >= prefix.length && data.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0;
}
