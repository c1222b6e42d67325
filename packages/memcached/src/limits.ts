import { memcachedError } from './errors.js';

/** Per-server and per-connection limits. Every field is reported by `stats`. */
export interface MemcachedLimits {
  /** Open client connections; further clients get `ERROR Too many open connections` and are closed. */
  maxConnections: number;
  /**
   * A connection that neither sent a byte nor received or drained a reply for this long is
   * closed, at most a quarter of the timeout (and at most 1 s) later; 0 disables the timeout.
   * Measured in real time, also during replays on a virtual clock.
   */
  idleTimeoutMs: number;
  /**
   * Unprocessed input bytes one connection may hold: a partial command, including a data block
   * being received. Must leave room for one item of `maxItemBytes` plus its command line.
   */
  maxBufferBytes: number;
  /** Reply bytes queued for one connection; above this the server stops reading from it until the client reads. */
  maxOutputBytes: number;
  /** Largest item: key, value and memcached 1.4's 71 bytes of overhead (`-I`, default 1 MiB). */
  maxItemBytes: number;
}

/** Maximum length in bytes of a non-retrieval command line; a longer one closes the connection (memcached 1.4: 1024). */
export const MAX_TEXT_LINE_BYTES = 1024;

/** Bytes memcached 1.4.39 adds to key and value length when it checks `-I`. */
export const ITEM_OVERHEAD_BYTES = 71;

/**
 * Smallest `maxOutputBytes`: a socket's default high-water mark, so a full reply queue always
 * ends in a `drain` event that resumes reading.
 */
const MIN_OUTPUT_BYTES = 16 * 1024;

/** Room a buffer needs beyond the item itself: a command line or a binary header with extras and key. */
const COMMAND_ROOM_BYTES = 2 * 1024;

export const DEFAULT_MEMCACHED_LIMITS: Readonly<MemcachedLimits> = Object.freeze({
  maxConnections: 1024,
  idleTimeoutMs: 600_000,
  maxBufferBytes: 1024 * 1024 + 64 * 1024,
  maxOutputBytes: 1024 * 1024,
  maxItemBytes: 1024 * 1024,
});

const LIMIT_NAMES = Object.keys(DEFAULT_MEMCACHED_LIMITS) as Array<keyof MemcachedLimits>;

/** Fills in defaults and validates. Throws TB_ERR_MEMCACHED_INVALID_OPTION naming the bad limit. */
export function resolveLimits(overrides: Partial<MemcachedLimits> = {}): MemcachedLimits {
  for (const name of Object.keys(overrides)) {
    if (!LIMIT_NAMES.includes(name as keyof MemcachedLimits)) {
      throw memcachedError(
        'TB_ERR_MEMCACHED_INVALID_OPTION',
        `Unknown memcached limit "${name}"; the limits are ${LIMIT_NAMES.join(', ')}.`,
      );
    }
  }

  const limits: MemcachedLimits = { ...DEFAULT_MEMCACHED_LIMITS };
  for (const name of LIMIT_NAMES) {
    const value = overrides[name];
    if (value !== undefined) limits[name] = value;
  }

  requireInteger('maxConnections', limits.maxConnections, 1);
  requireInteger('idleTimeoutMs', limits.idleTimeoutMs, 0);
  requireInteger('maxItemBytes', limits.maxItemBytes, ITEM_OVERHEAD_BYTES + 2);
  requireInteger('maxOutputBytes', limits.maxOutputBytes, MIN_OUTPUT_BYTES);
  requireInteger('maxBufferBytes', limits.maxBufferBytes, limits.maxItemBytes + COMMAND_ROOM_BYTES);
  return limits;
}

function requireInteger(name: keyof MemcachedLimits, value: unknown, minimum: number): void {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= minimum) return;
  const reason = name === 'maxBufferBytes' ? ` (maxItemBytes + ${COMMAND_ROOM_BYTES}, room for one item and its command)` : '';
  throw memcachedError(
    'TB_ERR_MEMCACHED_INVALID_OPTION',
    `Memcached limit ${name} is ${String(value)}; it must be an integer of at least ${minimum}${reason}.`,
  );
}
