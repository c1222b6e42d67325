import type { ExpiredKeyData } from '@triggerbox/core';

export const PRIORITY_LOW = 0;
export const PRIORITY_NORMAL = 1;
export const PRIORITY_HIGH = 2;
export type Priority = 0 | 1 | 2;

/** Options a trigger passes to `Session.add/modify/replace`. */
export interface SessionOptions {
  /** Seconds until the key expires; absent means never. */
  expire?: number;
  /** Whether the key is reported in `Session.expiredKeys` when it leaves. */
  notify?: boolean;
  priority?: Priority;
}

/** Options stored with a key, as `Session.getOptions` returns them. */
export interface StoredOptions {
  expire: number | null;
  notify: boolean;
  priority: Priority;
}

/**
 * Expiry of a memcached store, already decoded from memcached's exptime rules:
 * `never` (exptime 0), `at` an absolute time in ms, or `expired` (negative or past).
 */
export type ItemExpiry = { kind: 'never' } | { kind: 'at'; atMs: number } | { kind: 'expired' };

/** A table entry as the memcached front end sees it. */
export interface ItemView {
  /** Value bytes: exactly what a client stored, or the text form of a trigger's value. */
  data: Buffer;
  /** 32-bit client flags; 0 for values written by triggers. */
  flags: number;
  /** 64-bit CAS unique; changes on every modification except touch. */
  cas: bigint;
  /** Absolute deadline in ms, or null when the key never expires. */
  expiresAtMs: number | null;
}

/** Why an entry left the table. */
export type RemovalReason = 'expired' | 'evicted';

export interface SessionTableStats {
  currItems: number;
  totalItems: number;
  evictions: number;
  expired: number;
  /** Approximate bytes held by values and keys. */
  bytes: number;
  capacity: number;
}

export type { ExpiredKeyData };
