import { apiError, describeValue } from './state.js';

/** Parses dotted-quad IPv4 text into 4 bytes, or returns null. Octets with leading zeros are rejected. */
function parseV4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes.push(value);
  }
  return bytes;
}

/** Parses IPv6 text (with `::` and an optional dotted IPv4 tail) into 16 bytes, or returns null. */
function parseV6(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;

  const groupsOf = (part: string): number[] | null => {
    if (part === '') return [];
    const groups: number[] = [];
    const pieces = part.split(':');
    for (let index = 0; index < pieces.length; index++) {
      const piece = pieces[index] as string;
      if (index === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseV4(piece);
        if (v4 === null) return null;
        groups.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return null;
      groups.push(parseInt(piece, 16));
    }
    return groups;
  };

  const head = groupsOf(halves[0] as string);
  const tail = halves.length === 2 ? groupsOf(halves[1] as string) : [];
  if (head === null || tail === null) return null;

  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return null;

  const bytes: number[] = [];
  for (const group of groups) bytes.push(group >> 8, group & 0xff);
  return bytes;
}

function formatV4(bytes: number[], offset = 0): string {
  return bytes.slice(offset, offset + 4).join('.');
}

/** Formats 16 bytes as RFC 5952 text: lowercase, the longest run of two or more zero groups as `::`. */
function formatV6(bytes: number[]): string {
  const groups: number[] = [];
  for (let index = 0; index < 16; index += 2) groups.push(((bytes[index] as number) << 8) | (bytes[index + 1] as number));

  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatV4(bytes, 12)}`;
  }

  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; ) {
    if (groups[start] !== 0) {
      start++;
      continue;
    }
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end;
  }

  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function startsWith(bytes: number[], prefix: number[], prefixBits: number): boolean {
  for (let bit = 0; bit < prefixBits; bit += 8) {
    const bits = Math.min(8, prefixBits - bit);
    const mask = (0xff << (8 - bits)) & 0xff;
    if (((bytes[bit / 8] as number) & mask) !== ((prefix[bit / 8] ?? 0) & mask)) return false;
  }
  return true;
}

/** An IPv4 or IPv6 address, as the trigger API's `IPAddress` class. */
export class IPAddress {
  readonly #bytes: number[];

  /** Accepts IPv4 or IPv6 text, or an IPv4 address as an unsigned 32-bit number; `mask` is a prefix length that zeroes the host bits. */
  constructor(address: unknown, mask?: unknown) {
    let bytes: number[] | null = null;
    if (typeof address === 'string') {
      bytes = address.includes(':') ? parseV6(address) : parseV4(address);
    } else if (typeof address === 'number' && Number.isInteger(address) && address >= 0 && address <= 0xffffffff) {
      bytes = [address >>> 24, (address >>> 16) & 0xff, (address >>> 8) & 0xff, address & 0xff];
    } else if (address instanceof IPAddress) {
      bytes = [...address.#bytes];
    }
    if (bytes === null) {
      throw apiError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `IPAddress: invalid IP address ${describeValue(address)}; expected text such as "192.0.2.1" or "2001:db8::1".`);
    }

    if (mask !== undefined) {
      const bitCount = bytes.length * 8;
      if (typeof mask !== 'number' || !Number.isInteger(mask) || mask < 0 || mask > bitCount) {
        throw apiError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `IPAddress: mask must be a prefix length from 0 to ${bitCount}, got ${describeValue(mask)}.`);
      }
      for (let bit = mask; bit < bitCount; bit++) bytes[bit >> 3] = (bytes[bit >> 3] as number) & ~(0x80 >> (bit & 7));
    }
    this.#bytes = bytes;
  }

  get isV4(): boolean {
    return this.#bytes.length === 4;
  }

  get isV6(): boolean {
    return this.#bytes.length === 16;
  }

  /** True for addresses in 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16, also when IPv4-mapped. */
  get isRFC1918(): boolean {
    const v4 = this.#v4Bytes();
    if (v4 === null) return false;
    return startsWith(v4, [10], 8) || startsWith(v4, [172, 16], 12) || startsWith(v4, [192, 168], 16);
  }

  /** True for 169.254.0.0/16 and fe80::/10. */
  get isLinkLocal(): boolean {
    const v4 = this.#v4Bytes();
    if (v4 !== null) return startsWith(v4, [169, 254], 16);
    return startsWith(this.#bytes, [0xfe, 0x80], 10);
  }

  /**
   * False for private and local addresses: RFC 1918, unique local fc00::/7 (RFC 4193), loopback
   * (127.0.0.0/8, ::1) and link-local. True for every other address.
   */
  get isExternal(): boolean {
    if (this.isRFC1918 || this.isLinkLocal) return false;
    const v4 = this.#v4Bytes();
    if (v4 !== null) return !startsWith(v4, [127], 8);
    const loopback = this.#bytes.every((byte, index) => byte === (index === 15 ? 1 : 0));
    return !loopback && !startsWith(this.#bytes, [0xfc], 7);
  }

  /** Compares with another IPAddress or with address text. */
  equals(other: unknown): boolean {
    let address: IPAddress;
    if (other instanceof IPAddress) address = other;
    else if (typeof other === 'string') address = new IPAddress(other);
    else return false;
    return address.#bytes.length === this.#bytes.length && address.#bytes.every((byte, index) => byte === this.#bytes[index]);
  }

  toString(): string {
    return this.isV4 ? formatV4(this.#bytes) : formatV6(this.#bytes);
  }

  toJSON(): string {
    return this.toString();
  }

  /** The IPv4 bytes of an IPv4 or IPv4-mapped IPv6 address, otherwise null. */
  #v4Bytes(): number[] | null {
    if (this.isV4) return this.#bytes;
    const mapped = this.#bytes.slice(0, 10).every((byte) => byte === 0) && this.#bytes[10] === 0xff && this.#bytes[11] === 0xff;
    return mapped ? this.#bytes.slice(12) : null;
  }
}
