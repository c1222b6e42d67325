/** Size of each staging buffer that small replies are copied into. */
const STAGING_BYTES = 64 * 1024;

/** Values at least this long are queued by reference instead of copied. */
const COPY_LIMIT_BYTES = 4 * 1024;

/** Up to this length a byte loop beats a call into the Buffer methods. */
const SHORT_COPY_BYTES = 256;

/**
 * Collects the replies of one batch of commands so the connection sends them in one write.
 * Short pieces are copied into a staging buffer that is handed out slice by slice and never
 * rewritten, because the socket keeps each slice until the kernel took it. Long values, which
 * the session table never modifies in place, are queued by reference.
 */
export class ReplyWriter {
  #staging: Buffer = Buffer.allocUnsafe(STAGING_BYTES);
  /** First staging byte not yet moved into `#chunks`. */
  #sealedUpTo = 0;
  #position = 0;
  #chunks: Buffer[] = [];
  #length = 0;

  #markStaging: Buffer | null = null;
  #markSealedUpTo = 0;
  #markPosition = 0;
  #markChunkCount = 0;
  #markLength = 0;

  /** Called after each complete reply; the UDP transport frames replies one by one. */
  onReplyEnd: (() => void) | null = null;

  /** Bytes collected and not yet taken. */
  get length(): number {
    return this.#length;
  }

  /** Appends text whose characters are all below U+0100 (protocol lines, numbers). */
  writeLatin1(text: string): void {
    const length = text.length;
    this.#reserve(length);
    const staging = this.#staging;
    if (length <= SHORT_COPY_BYTES) {
      let position = this.#position;
      for (let i = 0; i < length; i++) staging[position++] = text.charCodeAt(i);
    } else {
      staging.write(text, this.#position, 'latin1');
    }
    this.#position += length;
    this.#length += length;
  }

  /** Appends a copy of `source[start, end)`. */
  writeCopy(source: Buffer, start: number, end: number): void {
    const byteCount = end - start;
    this.#reserve(byteCount);
    const staging = this.#staging;
    if (byteCount <= SHORT_COPY_BYTES) {
      let position = this.#position;
      for (let i = start; i < end; i++) staging[position++] = source[i]!;
    } else {
      source.copy(staging, this.#position, start, end);
    }
    this.#position += byteCount;
    this.#length += byteCount;
  }

  /** Appends a buffer that stays unchanged until it is written (item data). */
  writeStable(data: Buffer): void {
    if (data.length < COPY_LIMIT_BYTES) {
      this.writeCopy(data, 0, data.length);
      return;
    }
    this.#seal();
    this.#chunks.push(data);
    this.#length += data.length;
  }

  /** Appends a non-negative safe integer in decimal, without creating a string. */
  writeDecimal(value: number): void {
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    this.#reserve(digits);
    const staging = this.#staging;
    let position = this.#position + digits;
    let rest = value;
    do {
      staging[--position] = 0x30 + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest > 0);
    this.#position += digits;
    this.#length += digits;
  }

  writeUInt8(value: number): void {
    this.#reserve(1);
    this.#staging[this.#position++] = value;
    this.#length += 1;
  }

  writeUInt16BE(value: number): void {
    this.#reserve(2);
    this.#position = this.#staging.writeUInt16BE(value, this.#position);
    this.#length += 2;
  }

  writeUInt32BE(value: number): void {
    this.#reserve(4);
    this.#position = this.#staging.writeUInt32BE(value, this.#position);
    this.#length += 4;
  }

  writeBigUInt64BE(value: bigint): void {
    this.#reserve(8);
    this.#position = this.#staging.writeBigUInt64BE(value, this.#position);
    this.#length += 8;
  }

  /** Signals the end of one command's reply. */
  endReply(): void {
    if (this.onReplyEnd !== null) this.onReplyEnd();
  }

  /** Remembers the current end, so a multi-key reply can be dropped when a later key is invalid. */
  setMark(): void {
    this.#markStaging = this.#staging;
    this.#markSealedUpTo = this.#sealedUpTo;
    this.#markPosition = this.#position;
    this.#markChunkCount = this.#chunks.length;
    this.#markLength = this.#length;
  }

  /** Drops everything written since `setMark`. Valid only while nothing has been taken since. */
  rollbackToMark(): void {
    if (this.#markStaging === null) return;
    this.#chunks.length = this.#markChunkCount;
    this.#staging = this.#markStaging;
    this.#sealedUpTo = this.#markSealedUpTo;
    this.#position = this.#markPosition;
    this.#length = this.#markLength;
    this.#markStaging = null;
  }

  /** Hands out everything collected, in order, and starts empty. */
  take(): Buffer[] {
    this.#seal();
    const chunks = this.#chunks;
    this.#chunks = [];
    this.#length = 0;
    this.#markStaging = null;
    return chunks;
  }

  #reserve(byteCount: number): void {
    if (this.#position + byteCount <= this.#staging.length) return;
    this.#seal();
    this.#staging = Buffer.allocUnsafe(Math.max(STAGING_BYTES, byteCount));
    this.#sealedUpTo = 0;
    this.#position = 0;
  }

  #seal(): void {
    if (this.#position === this.#sealedUpTo) return;
    this.#chunks.push(this.#staging.subarray(this.#sealedUpTo, this.#position));
    this.#sealedUpTo = this.#position;
  }
}
