import type { ExpiredKeyData } from '@triggerbox/core';

export const PRIORITY_LOW = 0;
export const PRIORITY_NORMAL = 1;
export const PRIORITY_HIGH = 2;
export type Priority = 0 | 1 | 2;

/** Options a trigger passes to `Session.add/modify/replace`. */
export interface SessionOptions {
  /** Seconds until the key expires. Absent keeps the current expiry, and null means never. */
  expire?: number | null;
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

/** A table entry as the memcached front end reads it. */
export interface ItemView {
  /** Value bytes: exactly what a client stored, or the text form of a trigger's value. */
  data: Buffer;
  /** 32-bit client flags, 0 for values written by triggers. */
  flags: number;
  /** 64-bit CAS unique, which changes on every modification except touch. */
  cas: bigint;
  /** Absolute deadline in ms, or null when the key never expires. */
  expiresAtMs: number | null;
}

/** Reason an entry left the table. */
export type RemovalReason = 'expired' | 'evicted';

export interface SessionTableStats {
  /** Keys in the table now (memcached `curr_items`). */
  currItems: number;
  /** Successful stores since the table was created (memcached `total_items`). */
  totalItems: number;
  /** Keys removed to make room (memcached `evictions`). */
  evictions: number;
  /** Keys removed by expiry: sweeps, plus memcached stores and touches with a past expiry. */
  expired: number;
  /** Approximate bytes held by keys, values and per-entry overhead (memcached `bytes`). */
  bytes: number;
  capacity: number;
  /** Evicted notify keys dropped because the report queue filled up before `sweep` or `drainEvicted` took them. */
  evictedReportsDropped: number;
}

/** One key in a `TableSnapshot`. */
export interface SnapshotEntry {
  key: string;
  /**
   * How the value is encoded: `json` (`value` is the JSON form of a trigger value), `number`
   * (`text` is a non-finite number such as `NaN`), `text` (a trigger value JSON cannot encode,
   * saved as its rendered text), `bytes` (`base64` contains what a memcached client stored).
   */
  encoding: 'json' | 'number' | 'text' | 'bytes';
  value?: unknown;
  text?: string;
  base64?: string;
  flags: number;
  /** Deadline minus snapshot time in ms (negative when already due), or null for never. */
  remainingMs: number | null;
  /** Milliseconds since the key was added or its expiry last changed. */
  ageMs: number;
  options: StoredOptions;
  /** CAS unique in decimal, because JSON has no 64-bit integers. */
  cas: string;
}

/** The table in a JSON-serializable form, for `serve --state-file`. */
export interface TableSnapshot {
  format: 'triggerbox-session-table';
  version: 1;
  savedAtMs: number;
  /** Next CAS unique in decimal. */
  nextCas: string;
  /** Keys in eviction order across priorities (oldest insertion first). */
  entries: SnapshotEntry[];
}

export type { ExpiredKeyData };
