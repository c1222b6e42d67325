/**
 * Mapping between memcached key bytes and session-table key strings.
 *
 * Key bytes that are valid UTF-8 decode to the same string a trigger would write, so
 * `Session.lookup("user:é")` finds what a client stored under those UTF-8 bytes. Control
 * bytes are ASCII and map to themselves. A byte that is not part of a valid UTF-8 sequence
 * becomes the lone surrogate U+DC80 + (byte - 0x80), the "surrogateescape" scheme of PEP 383.
 * Decoding valid UTF-8 never produces a lone surrogate, so the mapping is one-to-one and
 * `encodeKey(decodeKey(bytes))` returns the original bytes.
 */

/** Maximum key length in bytes that memcached accepts (`KEY_MAX_LENGTH`). */
export const KEY_MAX_BYTES = 250;

const ESCAPE_BASE = 0xdc00;
const ESCAPE_FIRST = 0xdc80;
const ESCAPE_LAST = 0xdcff;

/** Decodes key bytes `buf[start, end)` into the session-table key. */
export function decodeKey(buf: Buffer, start: number, end: number): string {
  for (let i = start; i < end; i++) {
    if (buf[i]! >= 0x80) return decodeNonAsciiKey(buf, start, end);
  }
  return buf.toString('latin1', start, end);
}

/** UTF-16LE bytes of the key being decoded. UTF-8 never needs more UTF-16 code units than bytes. */
const sharedUtf16 = Buffer.alloc(KEY_MAX_BYTES * 2);

/**
 * Decodes in one pass into UTF-16LE: each well-formed UTF-8 sequence becomes its code point
 * (two code units above U+FFFF), any other byte becomes its escape code unit.
 */
function decodeNonAsciiKey(buf: Buffer, start: number, end: number): string {
  const utf16 = end - start <= KEY_MAX_BYTES ? sharedUtf16 : Buffer.alloc((end - start) * 2);
  let offset = 0;
  let i = start;
  while (i < end) {
    const first = buf[i]!;
    let unit: number;
    let length = 1;
    if (first < 0x80) {
      unit = first;
    } else {
      length = validSequenceLength(buf, i, end);
      if (length === 0) {
        unit = ESCAPE_BASE + first;
        length = 1;
      } else {
        unit = first & (0xff >> (length + 1));
        for (let k = 1; k < length; k++) unit = (unit << 6) | (buf[i + k]! & 0x3f);
        if (unit > 0xffff) {
          const high = 0xd800 + ((unit - 0x10000) >> 10);
          utf16[offset++] = high & 0xff;
          utf16[offset++] = high >>> 8;
          unit = 0xdc00 + ((unit - 0x10000) & 0x3ff);
        }
      }
    }
    utf16[offset++] = unit & 0xff;
    utf16[offset++] = unit >>> 8;
    i += length;
  }
  return utf16.toString('utf16le', 0, offset);
}

/**
 * Length of the well-formed UTF-8 sequence at `i` (Unicode Table 3-7: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0 when the byte at `i` does not start one.
 */
function validSequenceLength(bytes: Buffer, i: number, end: number): number {
  const first = bytes[i]!;
  if (first < 0x80) return 1;
  if (i + 1 >= end) return 0;

  const second = bytes[i + 1]!;
  if (first >= 0xc2 && first <= 0xdf) return isContinuation(second) ? 2 : 0;

  let secondLow = 0x80;
  let secondHigh = 0xbf;
  let length: number;
  if (first >= 0xe0 && first <= 0xef) {
    length = 3;
    if (first === 0xe0) secondLow = 0xa0;
    if (first === 0xed) secondHigh = 0x9f;
  } else if (first >= 0xf0 && first <= 0xf4) {
    length = 4;
    if (first === 0xf0) secondLow = 0x90;
    if (first === 0xf4) secondHigh = 0x8f;
  } else {
    return 0;
  }

  if (second < secondLow || second > secondHigh) return 0;
  if (i + length > end) return 0;
  for (let k = 2; k < length; k++) {
    if (!isContinuation(bytes[i + k]!)) return 0;
  }
  return length;
}

function isContinuation(byte: number): boolean {
  return byte >= 0x80 && byte <= 0xbf;
}

/**
 * Encodes a session-table key into memcached key bytes, the inverse of `decodeKey`. A key a
 * trigger wrote with a lone surrogate outside U+DC80..U+DCFF has no byte form and encodes
 * that code unit as U+FFFD, as `Buffer.from(key, 'utf8')` does.
 */
export function encodeKey(key: string): Buffer {
  if (!/[\udc80-\udcff]/.test(key)) return Buffer.from(key, 'utf8');

  const bytes: number[] = [];
  for (const char of key) {
    const codePoint = char.codePointAt(0)!;
    if (codePoint >= ESCAPE_FIRST && codePoint <= ESCAPE_LAST) bytes.push(codePoint - ESCAPE_BASE);
    else bytes.push(...Buffer.from(char, 'utf8'));
  }
  return Buffer.from(bytes);
}
