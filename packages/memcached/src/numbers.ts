/**
 * Integer parsing with the rules memcached 1.4.39 applies to command words and stored counters.
 * Its `safe_strtoul`, `safe_strtol` and `safe_strtoull` helpers wrap the C library's `strto*`:
 * leading C whitespace and one `+` or `-` are skipped, at least one digit is required, a value
 * outside the C type's range fails, and the digits must be followed by whitespace or the end of
 * the word. The unsigned forms accept a `-` (C negates modulo 2^64) but fail when the result is
 * 2^63 or more, so `-1` fails while `-0` is 0.
 */

export const U64_MAX = (1n << 64n) - 1n;
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);
const I32_MAX = 2 ** 31 - 1;
const I64_SIGN_BIT = 1n << 63n;

/** Longest run of digits that a double still holds exactly (10^15 < 2^53). */
const FAST_DIGITS = 15;

const SPACE = 0x20;
const PLUS = 0x2b;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/** True for the bytes C `isspace` accepts in the C locale: space, \t, \n, \v, \f, \r. */
export function isCSpace(byte: number): boolean {
  return byte === SPACE || (byte >= 0x09 && byte <= 0x0d);
}

/** Value of `buf[start, end)` when it is 1 to 15 plain decimal digits, else -1. */
function plainDigits(buf: Buffer, start: number, end: number): number {
  const length = end - start;
  if (length < 1 || length > FAST_DIGITS) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const byte = buf[i]!;
    if (byte < ZERO || byte > NINE) return -1;
    value = value * 10 + (byte - ZERO);
  }
  return value;
}

interface CScan {
  negative: boolean;
  magnitude: bigint;
  /** Index of the first byte after the digits. */
  next: number;
}

/** Scans like C `strto*`: whitespace, one sign, digits. Returns null when there is no digit. */
function scanCInteger(buf: Buffer, start: number, end: number): CScan | null {
  let i = start;
  while (i < end && isCSpace(buf[i]!)) i++;

  let negative = false;
  if (i < end && (buf[i] === PLUS || buf[i] === MINUS)) {
    negative = buf[i] === MINUS;
    i++;
  }

  const digitsStart = i;
  while (i < end && buf[i]! >= ZERO && buf[i]! <= NINE) i++;
  if (i === digitsStart) return null;

  return { negative, magnitude: BigInt(buf.toString('latin1', digitsStart, i)), next: i };
}

/** True when the byte after the digits ends the number for the `safe_strto*` helpers. */
function endsCleanly(buf: Buffer, next: number, end: number): boolean {
  return next === end || isCSpace(buf[next]!);
}

function containsMinus(buf: Buffer, start: number, end: number): boolean {
  const index = buf.indexOf(MINUS, start);
  return index !== -1 && index < end;
}

/**
 * Parses an unsigned 64-bit word (`safe_strtoull`): a delta of incr/decr or a cas unique.
 * Returns null when memcached would reject it.
 */
export function parseU64(buf: Buffer, start: number, end: number): bigint | null {
  const fast = plainDigits(buf, start, end);
  if (fast >= 0) return BigInt(fast);

  const scan = scanCInteger(buf, start, end);
  if (scan === null || scan.magnitude > U64_MAX) return null;
  if (!endsCleanly(buf, scan.next, end)) return null;

  const value = scan.negative ? BigInt.asUintN(64, -scan.magnitude) : scan.magnitude;
  if (value >= I64_SIGN_BIT && containsMinus(buf, start, end)) return null;
  return value;
}

/**
 * Parses client flags (`safe_strtoul` into a 32-bit field): values from 2^32 to 2^64-1 keep
 * their low 32 bits, as memcached 1.4 on 64-bit Linux stores them.
 */
export function parseFlags(buf: Buffer, start: number, end: number): number | null {
  const fast = plainDigits(buf, start, end);
  if (fast >= 0) return fast % 0x1_0000_0000;

  const value = parseU64(buf, start, end);
  return value === null ? null : Number(BigInt.asUintN(32, value));
}

/**
 * Parses a signed word stored in 32 bits (`safe_strtol`): an exptime or a byte count. Values
 * above 2^31-1 fail; values below -2^31 keep their low 32 bits as the C cast does.
 */
export function parseI32(buf: Buffer, start: number, end: number): number | null {
  const fast = plainDigits(buf, start, end);
  if (fast >= 0) return fast > I32_MAX ? null : fast;

  const scan = scanCInteger(buf, start, end);
  if (scan === null) return null;
  const value = scan.negative ? -scan.magnitude : scan.magnitude;
  if (value > I64_MAX || value < I64_MIN) return null;
  if (!endsCleanly(buf, scan.next, end)) return null;
  if (value > BigInt(I32_MAX)) return null;
  return Number(BigInt.asIntN(32, value));
}

/**
 * Reads a stored value as incr/decr does (`safe_strtoull` on the item data, which memcached
 * keeps followed by `\r\n`): spaces around the digits are allowed, the digits may run to the
 * end, a NUL byte ends the text, and an empty or non-numeric value or one of 2^64 or more
 * returns null.
 */
export function parseStoredCounter(data: Buffer): bigint | null {
  if (data.length === 0) return null;

  const nul = data.indexOf(0);
  const end = nul === -1 ? data.length : nul;
  const fast = plainDigits(data, 0, end);
  if (fast >= 0) return BigInt(fast);

  const scan = scanCInteger(data, 0, end);
  if (scan === null || scan.magnitude > U64_MAX) return null;
  if (!endsCleanly(data, scan.next, end)) return null;

  const value = scan.negative ? BigInt.asUintN(64, -scan.magnitude) : scan.magnitude;
  if (value >= I64_SIGN_BIT && containsMinus(data, 0, end)) return null;
  return value;
}
