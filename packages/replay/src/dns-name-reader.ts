import type { FaultKind } from './faults.js';

/** A DNS name is at most 255 bytes long in wire form (RFC 1035 section 3.1). */
const MAX_NAME_WIRE_BYTES = 255;
/** Pointer hops allowed in one name; a name of 255 bytes needs far fewer. */
const MAX_POINTER_HOPS = 255;
/** Names remembered per message so that a pointer to an earlier name costs one lookup. */
const NAME_CACHE_SIZE = 16;
const CHAR_BACKSLASH = 0x5c;
const CHAR_DOT = 0x2e;
const CHAR_ZERO = 0x30;

/** Node's Buffer has `latin1Slice` (used by `toString('latin1')`) but @types/node does not list it. */
type Latin1Buffer = Buffer & { latin1Slice?: (start: number, end: number) => string };

function latin1(buffer: Latin1Buffer, length: number): string {
  return buffer.latin1Slice ? buffer.latin1Slice(0, length) : buffer.toString('latin1', 0, length);
}

/**
 * Reads domain names out of one DNS message (RFC 1035 section 4.1.4), following compression
 * pointers, and renders them as text: labels joined by dots, no trailing dot, the root as the
 * empty string. Bytes outside 0x21-0x7e become `\DDD` (three decimal digits) and a dot or
 * backslash inside a label gets a backslash, as in zone files. One reader is reused for every
 * message; call `startMessage` before the first name of each.
 */
export class DnsNameReader {
  /** Fault of the last failed read. */
  fault: FaultKind | null = null;
  /** Offset just after the name in the record it was read from (after the first pointer). */
  nameEnd = 0;

  readonly #text = Buffer.allocUnsafe(MAX_NAME_WIRE_BYTES * 4 + 8);
  readonly #visited = new Int32Array(MAX_POINTER_HOPS);
  readonly #cacheOffsets = new Int32Array(NAME_CACHE_SIZE);
  readonly #cacheWireBytes = new Int32Array(NAME_CACHE_SIZE);
  readonly #cacheNames: string[] = new Array<string>(NAME_CACHE_SIZE).fill('');
  #cacheCount = 0;

  startMessage(): void {
    this.#cacheCount = 0;
  }

  /**
   * Reads the name at `offset` of the message `bytes[messageStart, messageEnd)`. Labels written
   * in place must end before `inlineLimit`, or the read fails with `inlineFault` (record data
   * uses this to report a name that does not fit its record). Returns the text, or the empty
   * string when `wantText` is false, or null with `fault` set.
   */
  read(
    bytes: Uint8Array,
    messageStart: number,
    messageEnd: number,
    offset: number,
    wantText: boolean,
    inlineLimit = messageEnd,
    inlineFault: FaultKind = 'label-overrun',
  ): string | null {
    const text = this.#text;
    let textLength = 0;
    let wireBytes = 1;
    let position = offset;
    let limit = inlineLimit;
    let limitFault = inlineFault;
    let end = -1;
    let hops = 0;
    let suffix: string | null = null;

    for (;;) {
      if (position >= limit) return this.#fail(limitFault);
      const length = bytes[position]!;

      if (length === 0) {
        position++;
        break;
      }

      if (length >= 0xc0) {
        if (position + 1 >= limit) return this.#fail(limitFault);
        const target = ((length & 0x3f) << 8) | bytes[position + 1]!;
        if (end < 0) end = position + 2;
        if (messageStart + target >= messageEnd) return this.#fail('bad-pointer');
        for (let i = 0; i < hops; i++) {
          if (this.#visited[i] === target) return this.#fail('name-loop');
        }
        if (hops === MAX_POINTER_HOPS) return this.#fail('bad-pointer');
        this.#visited[hops++] = target;
        position = messageStart + target;
        limit = messageEnd;
        limitFault = 'label-overrun';

        const cached = wantText ? this.#lookup(position) : -1;
        if (cached >= 0) {
          wireBytes += this.#cacheWireBytes[cached]! - 1;
          if (wireBytes > MAX_NAME_WIRE_BYTES) return this.#fail('name-too-long');
          suffix = this.#cacheNames[cached]!;
          break;
        }
        continue;
      }

      if (length >= 0x40) return this.#fail('bad-label-type');
      if (position + 1 + length > limit) return this.#fail(limitFault);
      wireBytes += length + 1;
      if (wireBytes > MAX_NAME_WIRE_BYTES) return this.#fail('name-too-long');

      if (wantText) {
        if (textLength > 0) text[textLength++] = CHAR_DOT;
        textLength = this.#appendLabel(bytes, position + 1, position + 1 + length, textLength);
      }
      position += 1 + length;
    }

    this.nameEnd = end < 0 ? position : end;
    if (!wantText) return '';

    let name = latin1(text, textLength);
    if (suffix !== null && textLength === 0) name = suffix;
    else if (suffix !== null && suffix !== '') name = `${name}.${suffix}`;
    this.#remember(offset, name, wireBytes);
    return name;
  }

  #appendLabel(bytes: Uint8Array, start: number, end: number, textLength: number): number {
    const text = this.#text;
    let out = textLength;
    for (let i = start; i < end; i++) {
      const byte = bytes[i]!;
      if (byte > 0x20 && byte < 0x7f) {
        if (byte === CHAR_DOT || byte === CHAR_BACKSLASH) text[out++] = CHAR_BACKSLASH;
        text[out++] = byte;
      } else {
        text[out++] = CHAR_BACKSLASH;
        text[out++] = CHAR_ZERO + Math.floor(byte / 100);
        text[out++] = CHAR_ZERO + (Math.floor(byte / 10) % 10);
        text[out++] = CHAR_ZERO + (byte % 10);
      }
    }
    return out;
  }

  #lookup(position: number): number {
    for (let i = 0; i < this.#cacheCount; i++) {
      if (this.#cacheOffsets[i] === position) return i;
    }
    return -1;
  }

  #remember(position: number, name: string, wireBytes: number): void {
    if (this.#cacheCount === NAME_CACHE_SIZE || this.#lookup(position) >= 0) return;
    this.#cacheOffsets[this.#cacheCount] = position;
    this.#cacheWireBytes[this.#cacheCount] = wireBytes;
    this.#cacheNames[this.#cacheCount] = name;
    this.#cacheCount++;
  }

  #fail(fault: FaultKind): null {
    this.fault = fault;
    return null;
  }
}
