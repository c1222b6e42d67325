import { isIPv4, isIPv6 } from 'node:net';

/** Slots of the direct-mapped cache of IPv4 texts, enough because captures carry few distinct addresses. */
const IPV4_CACHE_SLOTS = 4096;
const ipv4CacheKeys = new Float64Array(IPV4_CACHE_SLOTS).fill(-1);
const ipv4CacheTexts: string[] = new Array<string>(IPV4_CACHE_SLOTS).fill('');

/** Formats the IPv4 address at `offset` as dotted text. */
export function formatIpv4(bytes: Uint8Array, offset: number): string {
  const key = ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
  const slot = (key ^ (key >>> 12) ^ (key >>> 24)) & (IPV4_CACHE_SLOTS - 1);
  if (ipv4CacheKeys[slot] === key) return ipv4CacheTexts[slot]!;

  const text = `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
  ipv4CacheKeys[slot] = key;
  ipv4CacheTexts[slot] = text;
  return text;
}

/** RFC 5952 text of the IPv6 address at `offset`: lower case, longest zero run as `::`. */
export function formatIpv6(bytes: Uint8Array, offset: number): string {
  const groups = new Array<number>(8);
  for (let i = 0; i < 8; i++) groups[i] = (bytes[offset + 2 * i]! << 8) | bytes[offset + 2 * i + 1]!;

  const isMapped = groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff;
  if (isMapped) return `::ffff:${formatIpv4(bytes, offset + 12)}`;

  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }

  if (bestStart < 0) return groups.map((group) => group.toString(16)).join(':');
  const head = groups.slice(0, bestStart).map((group) => group.toString(16)).join(':');
  const tail = groups.slice(bestStart + bestLength).map((group) => group.toString(16)).join(':');
  return `${head}::${tail}`;
}

const PARSED_CACHE_LIMIT = 4096;
const parsedCache = new Map<string, Uint8Array | null>();

/**
 * Bytes of an IPv4 or IPv6 address given as text, or null when the text is not an address.
 * Results are cached for the packet builders, so callers must not modify the array.
 */
export function parseIpAddress(text: string): Uint8Array | null {
  const cached = parsedCache.get(text);
  if (cached !== undefined) return cached;
  const bytes = parseUncached(text);
  if (parsedCache.size >= PARSED_CACHE_LIMIT) parsedCache.clear();
  parsedCache.set(text, bytes);
  return bytes;
}

function parseUncached(text: string): Uint8Array | null {
  if (isIPv4(text)) return Uint8Array.from(text.split('.').map(Number));
  if (!isIPv6(text)) return null;

  let body = text;
  let tailBytes: number[] = [];
  const lastColon = body.lastIndexOf(':');
  const tail = body.slice(lastColon + 1);
  if (tail.includes('.')) {
    tailBytes = tail.split('.').map(Number);
    body = body.slice(0, lastColon + 1) + '0:0';
  }

  const [headText = '', restText] = body.split('::');
  const head = headText === '' ? [] : headText.split(':');
  const rest = restText === undefined || restText === '' ? [] : restText.split(':');
  const fill = restText === undefined ? [] : new Array<string>(8 - head.length - rest.length).fill('0');
  const groups = [...head, ...fill, ...rest].map((group) => parseInt(group, 16));

  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  if (tailBytes.length === 4) bytes.set(tailBytes, 12);
  return bytes;
}
