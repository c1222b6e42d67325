import type { ItemExpiry } from '@triggerbox/session-table';

/**
 * Largest exptime read as seconds from now: 30 days (`REALTIME_MAXDELTA` in memcached).
 * Larger values are absolute Unix times in seconds.
 */
export const MAX_RELATIVE_EXPTIME_SECONDS = 2_592_000;

const NEVER: ItemExpiry = Object.freeze({ kind: 'never' });
const EXPIRED: ItemExpiry = Object.freeze({ kind: 'expired' });

/**
 * Decodes a memcached exptime with the rules of every command that carries one: 0 never
 * expires, 1 to 2,592,000 is seconds from `nowMs`, a larger value is an absolute Unix time,
 * and a negative value or an absolute time at or before `nowMs` is already expired. The
 * session table removes a key at the first 30-second sweep boundary after its deadline.
 */
export function decodeExptime(exptimeSeconds: number, nowMs: number): ItemExpiry {
  if (exptimeSeconds === 0) return NEVER;
  if (exptimeSeconds < 0) return EXPIRED;
  if (exptimeSeconds <= MAX_RELATIVE_EXPTIME_SECONDS) return { kind: 'at', atMs: nowMs + exptimeSeconds * 1000 };

  const atMs = exptimeSeconds * 1000;
  return atMs <= nowMs ? EXPIRED : { kind: 'at', atMs };
}

/** The expiry an item already has, for operations that keep it (append, prepend, incr, decr). */
export function expiryOfDeadline(expiresAtMs: number | null): ItemExpiry {
  return expiresAtMs === null ? NEVER : { kind: 'at', atMs: expiresAtMs };
}
