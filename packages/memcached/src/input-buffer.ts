const EMPTY = Buffer.alloc(0);
const NEWLINE = 0x0a;

/** Smallest buffer allocated to hold bytes that span reads. */
const MIN_OWNED_BYTES = 16 * 1024;

/** Owned buffers larger than this are dropped when they empty, so memory shrinks after a big value. */
const KEEP_OWNED_BYTES = 64 * 1024;

/**
 * The unread bytes of one connection. A chunk that arrives while nothing is pending is used in
 * place, without a copy. Bytes left over from a read are copied into a buffer that grows by
 * doubling, so a value arriving in many reads costs linear time. Parsers read `data[start, end)`
 * and call `consume` for what they handled.
 */
export class InputBuffer {
  #data: Buffer = EMPTY;
  #start = 0;
  #end = 0;
  /** True when `#data` was allocated here and may be written; false for a borrowed chunk. */
  #owned = false;
  /** An owned buffer kept for reuse while a borrowed chunk is being read. */
  #spare: Buffer | null = null;

  get data(): Buffer {
    return this.#data;
  }

  get start(): number {
    return this.#start;
  }

  get end(): number {
    return this.#end;
  }

  get length(): number {
    return this.#end - this.#start;
  }

  /** Appends a received chunk. The chunk must not be modified afterwards. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.#start === this.#end) {
      this.#borrow(chunk);
      return;
    }

    const live = this.#end - this.#start;
    const needed = live + chunk.length;
    if (this.#owned && this.#end + chunk.length <= this.#data.length) {
      chunk.copy(this.#data, this.#end);
      this.#end += chunk.length;
    } else if (this.#owned && needed <= this.#data.length >>> 1) {
      this.#data.copy(this.#data, 0, this.#start, this.#end);
      chunk.copy(this.#data, live);
      this.#start = 0;
      this.#end = needed;
    } else {
      const target = this.#takeSpare(needed) ?? Buffer.allocUnsafe(Math.max(MIN_OWNED_BYTES, needed * 2));
      this.#data.copy(target, 0, this.#start, this.#end);
      chunk.copy(target, live);
      this.#data = target;
      this.#owned = true;
      this.#start = 0;
      this.#end = needed;
    }
    this.#placeSentinel();
  }

  /** Reads straight from `chunk`, keeping a small owned buffer aside for the next leftover. */
  #borrow(chunk: Buffer): void {
    if (this.#owned && this.#data.length <= KEEP_OWNED_BYTES) this.#spare = this.#data;
    this.#data = chunk;
    this.#owned = false;
    this.#start = 0;
    this.#end = chunk.length;
  }

  #takeSpare(needed: number): Buffer | null {
    const spare = this.#spare;
    if (spare === null || spare.length < needed) return null;
    this.#spare = null;
    return spare;
  }

  /** Marks `byteCount` bytes from `start` as handled. */
  consume(byteCount: number): void {
    this.#start += byteCount;
    if (this.#start < this.#end) return;

    this.#start = 0;
    this.#end = 0;
    if (!this.#owned || this.#data.length > KEEP_OWNED_BYTES) {
      this.#data = EMPTY;
      this.#owned = false;
    } else {
      this.#placeSentinel();
    }
  }

  /** Index of the first `\n` at or after `from` and before `end`, or -1. */
  indexOfNewline(from: number): number {
    const index = this.#data.indexOf(NEWLINE, from);
    return index === -1 || index >= this.#end ? -1 : index;
  }

  /** Drops every pending byte and releases the buffer. */
  clear(): void {
    this.#data = EMPTY;
    this.#spare = null;
    this.#owned = false;
    this.#start = 0;
    this.#end = 0;
  }

  /**
   * Writes a `\n` just past the live bytes of an owned buffer, so a newline search stops there
   * instead of scanning stale bytes up to the end of the allocation.
   */
  #placeSentinel(): void {
    if (this.#owned && this.#end < this.#data.length) this.#data[this.#end] = NEWLINE;
  }
}
