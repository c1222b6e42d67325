import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FaultKind } from './faults.js';
import { replayError } from './errors.js';

/** Size of each read from a file; large reads keep the per-chunk work small. */
const READ_CHUNK_BYTES = 1 << 20;
const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
const EMPTY = Buffer.alloc(0);

/**
 * Bytes of one input (a file or standard input), gunzipped when they start with the gzip magic,
 * read chunk by chunk. Record readers parse from `bytes[position...]` and call `pull` when a
 * record reaches past the end. A cut or corrupt gzip stream ends the input with a fault instead
 * of throwing, so that it does not stop the other inputs; other read errors throw.
 */
export class ByteInput {
  readonly name: string;
  bytes: Buffer = EMPTY;
  position = 0;
  /** Set when the input ended because its gzip stream was cut or corrupt (zlib error codes). */
  endFault: FaultKind | null = null;
  endError: Error | null = null;

  #chunks: AsyncIterator<Buffer>;
  #stream: Readable;
  #raw: Readable;
  #ended = false;

  constructor(name: string, stream: Readable, firstChunks: Buffer[], rest: AsyncIterator<Buffer>, raw: Readable = stream) {
    this.name = name;
    this.#stream = stream;
    this.#raw = raw;
    this.bytes = firstChunks.length === 1 ? firstChunks[0]! : Buffer.concat(firstChunks);
    this.#chunks = rest;
  }

  get available(): number {
    return this.bytes.length - this.position;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Bytes read from the file so far, before gunzip; 0 for standard input, whose size is unknown. */
  get fileBytesRead(): number {
    const { bytesRead } = this.#raw as { bytesRead?: unknown };
    return this.#raw !== process.stdin && typeof bytesRead === 'number' ? bytesRead : 0;
  }

  /** Appends the next chunk after the unread bytes; returns false at the end of the input. */
  async pull(): Promise<boolean> {
    if (this.#ended) return false;

    let next: IteratorResult<Buffer>;
    try {
      next = await this.#chunks.next();
    } catch (error) {
      this.#ended = true;
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!code.startsWith('Z_')) {
        throw replayError('TB_ERR_REPLAY_FILE_UNREADABLE', `Reading capture input "${this.name}" failed: ${(error as Error).message}.`, error);
      }
      this.endError = error as Error;
      this.endFault = code === 'Z_BUF_ERROR' ? 'truncated-file' : 'bad-gzip';
      return false;
    }
    if (next.done) {
      this.#ended = true;
      return false;
    }

    const unread = this.bytes.subarray(this.position);
    this.bytes = unread.length === 0 ? next.value : Buffer.concat([unread, next.value]);
    this.position = 0;
    return true;
  }

  /** Makes at least `count` unread bytes available; false when the input ends first. */
  async ensure(count: number): Promise<boolean> {
    while (this.available < count) {
      if (!(await this.pull())) return false;
    }
    return true;
  }

  close(): void {
    this.#stream.destroy();
  }
}

/**
 * Opens `path` ("-" for `stdin`) and returns it as a `ByteInput` positioned at the first byte of
 * the capture, gunzipped when needed. Throws TB_ERR_REPLAY_FILE_UNREADABLE when the file cannot
 * be opened.
 */
export async function openByteInput(path: string, stdin: Readable): Promise<ByteInput> {
  const name = path === '-' ? 'standard input' : path;
  let raw: Readable;
  if (path === '-') {
    raw = stdin;
  } else {
    const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
      throw replayError('TB_ERR_REPLAY_FILE_UNREADABLE', `Cannot open capture file "${path}": ${error.message}. Check the path and its permissions.`, error);
    });
    raw = createReadStream('', { fd: handle, highWaterMark: READ_CHUNK_BYTES });
  }

  const rawChunks = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let headBytes = 0;
  let rawDone = false;
  try {
    while (headBytes < 2) {
      const next = await rawChunks.next();
      if (next.done) {
        rawDone = true;
        break;
      }
      head.push(next.value);
      headBytes += next.value.length;
    }
  } catch (error) {
    raw.destroy();
    throw replayError('TB_ERR_REPLAY_FILE_UNREADABLE', `Cannot read capture input "${name}": ${(error as Error).message}.`, error);
  }

  const start = head.length === 1 ? head[0]! : Buffer.concat(head);
  const isGzip = start.length >= 2 && start[0] === GZIP_MAGIC_0 && start[1] === GZIP_MAGIC_1;
  if (!isGzip) {
    const rest: AsyncIterator<Buffer> = rawDone ? emptyIterator() : rawChunks;
    return new ByteInput(name, raw, [start], rest);
  }

  const gunzip = createGunzip({ chunkSize: READ_CHUNK_BYTES });
  void feedGunzip(gunzip, start, rawDone ? emptyIterator() : rawChunks, raw);
  const inflated = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const input = new ByteInput(name, gunzip, [EMPTY], inflated, raw);
  return input;
}

/** Writes the raw bytes into `gunzip` with back-pressure, then ends it. */
async function feedGunzip(gunzip: ReturnType<typeof createGunzip>, first: Buffer, rest: AsyncIterator<Buffer>, raw: Readable): Promise<void> {
  try {
    if (!gunzip.write(first)) await waitForDrain(gunzip);
    for (;;) {
      const next = await rest.next();
      if (next.done) break;
      if (gunzip.destroyed) return;
      if (!gunzip.write(next.value)) await waitForDrain(gunzip);
    }
    gunzip.end();
  } catch (error) {
    gunzip.destroy(error as Error);
  } finally {
    if (gunzip.destroyed) raw.destroy();
  }
}

function waitForDrain(stream: ReturnType<typeof createGunzip>): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

function emptyIterator(): AsyncIterator<Buffer> {
  return { next: async () => ({ done: true, value: undefined }) };
}
