import type { ItemExpiry, ItemView, SessionTable } from '@triggerbox/session-table';

import { expiryOfDeadline } from './exptime.js';
import { ITEM_OVERHEAD_BYTES } from './limits.js';
import { U64_MAX, parseStoredCounter } from './numbers.js';
import type { ServerCounters } from './stats.js';

export type StoreMode = 'set' | 'add' | 'replace' | 'append' | 'prepend' | 'cas';

/** Outcome of a store, named after the text protocol reply. */
export type StoreOutcome = 'stored' | 'not-stored' | 'exists' | 'not-found';

export interface StoreResult {
  outcome: StoreOutcome;
  /** New cas unique when stored, else 0n. */
  cas: bigint;
}

export type DeltaResult =
  | { outcome: 'ok'; value: bigint; cas: bigint }
  | { outcome: 'not-found' | 'non-numeric' | 'exists' };

export type DeleteOutcome = 'deleted' | 'not-found' | 'exists';

const NOT_STORED: StoreResult = Object.freeze({ outcome: 'not-stored', cas: 0n });
const EXISTS: StoreResult = Object.freeze({ outcome: 'exists', cas: 0n });
const NOT_FOUND: StoreResult = Object.freeze({ outcome: 'not-found', cas: 0n });

/**
 * memcached item semantics on top of the session table, shared by the text and binary
 * protocols: conditional stores, append and prepend, cas, 64-bit incr and decr, touch and
 * delete, with the hit and miss counters of `stats`.
 */
export class ItemOperations {
  readonly #table: SessionTable;
  readonly #counters: ServerCounters;
  readonly #maxItemBytes: number;

  constructor(table: SessionTable, counters: ServerCounters, maxItemBytes: number) {
    this.#table = table;
    this.#counters = counters;
    this.#maxItemBytes = maxItemBytes;
  }

  /** True when an item with this key and value length exceeds the item size limit. */
  isTooLarge(keyByteCount: number, valueByteCount: number): boolean {
    return keyByteCount + valueByteCount + ITEM_OVERHEAD_BYTES > this.#maxItemBytes;
  }

  /** Looks up one key for a retrieval command and counts `cmd_get` and the hit or miss. */
  get(key: string): ItemView | null {
    const item = this.#table.getItem(key);
    this.#counters.cmdGet++;
    if (item === null) this.#counters.getMisses++;
    else this.#counters.getHits++;
    return item;
  }

  /**
   * Stores `data` by `mode`. `casUnique` is the unique a `cas` must match; for append and
   * prepend a non-zero unique must match too (binary protocol). Append and prepend keep the
   * old flags and expiry. The session table copies `data`, so it may point into an input buffer.
   */
  store(
    mode: StoreMode,
    key: string,
    keyByteCount: number,
    data: Buffer,
    flags: number,
    expiry: ItemExpiry,
    casUnique: bigint,
  ): StoreResult {
    let value = data;
    let storedFlags = flags;
    let storedExpiry = expiry;
    // A plain set needs no lookup; every other mode depends on the current item.
    const current = mode === 'set' ? null : this.#table.getItem(key);

    switch (mode) {
      case 'set':
        break;
      case 'add':
        if (current !== null) return NOT_STORED;
        break;
      case 'replace':
        if (current === null) return NOT_STORED;
        break;
      case 'cas':
        if (current === null) {
          this.#counters.casMisses++;
          return NOT_FOUND;
        }
        if (current.cas !== casUnique) {
          this.#counters.casBadval++;
          return EXISTS;
        }
        this.#counters.casHits++;
        break;
      case 'append':
      case 'prepend':
        if (current === null) return NOT_STORED;
        if (casUnique !== 0n && casUnique !== current.cas) return EXISTS;
        if (this.isTooLarge(keyByteCount, current.data.length + data.length)) return NOT_STORED;
        value = mode === 'append' ? Buffer.concat([current.data, data]) : Buffer.concat([data, current.data]);
        storedFlags = current.flags;
        storedExpiry = expiryOfDeadline(current.expiresAtMs);
        break;
    }

    const cas = this.#table.storeItem(key, value, storedFlags, storedExpiry);
    this.#counters.totalItems++;
    return { outcome: 'stored', cas };
  }

  /** Removes a key after a `set` failed for size, so a stale value does not outlive the overwrite. */
  dropAfterFailedSet(key: string): void {
    this.#table.deleteItem(key);
  }

  /**
   * incr or decr by `delta`: incr wraps modulo 2^64, decr stops at 0. When the decimal result
   * is not longer than the stored value it is padded with spaces to the same length, as
   * memcached rewrites the value in place. Flags and expiry are kept; the cas unique changes.
   */
  applyDelta(key: string, increment: boolean, delta: bigint, casUnique: bigint): DeltaResult {
    const current = this.#table.getItem(key);
    if (current === null) {
      if (increment) this.#counters.incrMisses++;
      else this.#counters.decrMisses++;
      return { outcome: 'not-found' };
    }
    if (casUnique !== 0n && casUnique !== current.cas) return { outcome: 'exists' };

    const value = parseStoredCounter(current.data);
    if (value === null) return { outcome: 'non-numeric' };

    let result: bigint;
    if (increment) {
      result = (value + delta) & U64_MAX;
      this.#counters.incrHits++;
    } else {
      result = delta > value ? 0n : value - delta;
      this.#counters.decrHits++;
    }

    const text = result.toString();
    const data = text.length <= current.data.length ? Buffer.from(text.padEnd(current.data.length, ' '), 'latin1') : Buffer.from(text, 'latin1');
    const cas = this.#table.storeItem(key, data, current.flags, expiryOfDeadline(current.expiresAtMs));
    return { outcome: 'ok', value: result, cas };
  }

  /** Creates a counter for binary incr/decr on a missing key. Returns 0n when the key exists. */
  createCounter(key: string, initial: bigint, expiry: ItemExpiry): bigint {
    if (this.#table.getItem(key) !== null) return 0n;
    const cas = this.#table.storeItem(key, Buffer.from(initial.toString(), 'latin1'), 0, expiry);
    this.#counters.totalItems++;
    return cas;
  }

  /**
   * Sets a new expiry and counts `cmd_touch`. Returns the item as it was before the touch
   * (value, flags and cas do not change), or null when it is missing.
   */
  touch(key: string, expiry: ItemExpiry): ItemView | null {
    this.#counters.cmdTouch++;
    const current = this.#table.getItem(key);
    if (current === null) {
      this.#counters.touchMisses++;
      return null;
    }
    this.#table.touchItem(key, expiry);
    this.#counters.touchHits++;
    return current;
  }

  /** Deletes a key; a non-zero `casUnique` must match the item's (binary protocol). */
  delete(key: string, casUnique: bigint): DeleteOutcome {
    const current = this.#table.getItem(key);
    if (current === null) {
      this.#counters.deleteMisses++;
      return 'not-found';
    }
    if (casUnique !== 0n && casUnique !== current.cas) return 'exists';
    this.#table.deleteItem(key);
    this.#counters.deleteHits++;
    return 'deleted';
  }
}
