import { silentLogger, type Clock, type ExpiredKeyData, type Logger } from '@triggerbox/core';
import { copyValue } from './copy-value.js';
import { Entry } from './entry.js';
import { EvictionOrder } from './eviction-order.js';
import { ReportQueue } from './report-queue.js';
import { ExpiryWheel, bucketBoundaryMs } from './expiry-wheel.js';
import { ENTRY_OVERHEAD_BYTES, estimateValueBytes, renderValueText } from './render.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, decodeSnapshot, encodeEntry } from './snapshot.js';
import {
  PRIORITY_NORMAL,
  type ItemExpiry,
  type ItemView,
  type SessionOptions,
  type SessionTableStats,
  type StoredOptions,
  type TableSnapshot,
} from './types.js';
import {
  cloneValue,
  describeValue,
  parseSessionOptions,
  sessionError,
  validateItem,
  validateKey,
  type ParsedSessionOptions,
} from './validate.js';

/** Default maximum number of keys. NOTE: sensor capacity is undocumented; one third-party report says a little over 30,000. */
export const DEFAULT_CAPACITY = 32_768;

export interface SessionTableOptions {
  clock: Clock;
  /** Maximum number of keys; the default is 32,768. */
  capacity?: number;
  logger?: Logger;
}

/** Copies an object value on its way out, so the caller cannot change the table through it. */
function copyOut(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? copyValue(value) : value;
}

/**
 * The shared session table: `Session.*` semantics for triggers and item operations for the
 * memcached front end over one store, with a 30-second expiry wheel and eviction by priority.
 * All methods are synchronous and run on the caller's thread.
 */
export class SessionTable {
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #capacity: number;
  readonly #entries = new Map<string, Entry>();
  readonly #evictionOrder = new EvictionOrder();
  readonly #wheel = new ExpiryWheel();
  #nextCas = 1n;

  /** Evicted notify keys not yet handed out by `drainEvicted` or `sweep`, oldest first. */
  readonly #evictedReports: ReportQueue;
  #totalItems = 0;
  #evictions = 0;
  #expired = 0;
  #bytes = 0;
  #evictedReportsDropped = 0;

  constructor(options: SessionTableOptions) {
    const capacity = options.capacity ?? DEFAULT_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw sessionError(
        'TB_ERR_SESSION_INVALID_CAPACITY',
        `SessionTable capacity must be a positive integer number of entries, got ${describeValue(capacity)}.`,
      );
    }
    this.#clock = options.clock;
    this.#logger = options.logger ?? silentLogger;
    this.#capacity = capacity;
    this.#evictedReports = new ReportQueue(capacity);
  }

  get size(): number {
    return this.#entries.size;
  }

  // ---- Session side -------------------------------------------------------------------------

  /** Stores `value` unless the key exists. Returns the existing value, or `value` when stored. */
  add(key: string, value: unknown, options?: SessionOptions): unknown {
    validateKey('add', key);
    const parsed = parseSessionOptions('add', options);

    const existing = this.#entries.get(key);
    if (existing !== undefined) {
      // Reject undefined, functions and symbols even when nothing is stored, so errors do not depend on table state.
      if (typeof value !== 'object') cloneValue('add', value);
      return copyOut(existing.triggerValue());
    }

    this.#insert(key, cloneValue('add', value), parsed);
    return value;
  }

  /** Returns the value of `key` (a copy for objects), or null. Keys past their deadline stay readable until swept. */
  lookup(key: string): unknown {
    validateKey('lookup', key);
    const entry = this.#entries.get(key);
    return entry === undefined ? null : copyOut(entry.triggerValue());
  }

  /** Sets the value of an existing key and merges `options`. Returns the previous value, or null when absent. */
  modify(key: string, value: unknown, options?: SessionOptions): unknown {
    validateKey('modify', key);
    const parsed = parseSessionOptions('modify', options);

    const entry = this.#entries.get(key);
    if (entry === undefined) return null;
    return this.#overwrite(entry, cloneValue('modify', value), parsed);
  }

  /** Sets the value whether or not the key exists. Returns the previous value, or null when it inserted. */
  replace(key: string, value: unknown, options?: SessionOptions): unknown {
    validateKey('replace', key);
    const parsed = parseSessionOptions('replace', options);
    const stored = cloneValue('replace', value);

    const entry = this.#entries.get(key);
    if (entry === undefined) {
      this.#insert(key, stored, parsed);
      return null;
    }
    return this.#overwrite(entry, stored, parsed);
  }

  /** Deletes the key. Returns the value it had, or null. Removed keys are not reported as expired. */
  remove(key: string): unknown {
    validateKey('remove', key);
    const entry = this.#entries.get(key);
    if (entry === undefined) return null;

    this.#delete(entry);
    return entry.triggerValue();
  }

  /**
   * Adds `count` (default 1) to a number value and returns the new number. Returns null and
   * creates nothing when the key is absent; throws TB_ERR_SESSION_NOT_A_NUMBER on other values.
   */
  increment(key: string, count?: number): number | null {
    validateKey('increment', key);
    if (count !== undefined && (typeof count !== 'number' || !Number.isFinite(count))) {
      throw sessionError(
        'TB_ERR_SESSION_INVALID_COUNT',
        `Session.increment: the count for key "${key}" must be a finite number, got ${describeValue(count)}.`,
      );
    }

    const entry = this.#entries.get(key);
    if (entry === undefined) return null;
    const current = entry.triggerValue();
    if (typeof current !== 'number') {
      const origin = entry.bytes !== null ? ' (written through memcached, so it is a string)' : '';
      throw sessionError(
        'TB_ERR_SESSION_NOT_A_NUMBER',
        `Session.increment: key "${key}" holds ${describeValue(current)}${origin}, not a number; store a number with Session.replace first.`,
      );
    }

    const next = current + (count ?? 1);
    this.#setJsValue(entry, next);
    return next;
  }

  /** Returns the options stored for the key, or null when absent. */
  getOptions(key: string): StoredOptions | null {
    validateKey('getOptions', key);
    const entry = this.#entries.get(key);
    if (entry === undefined) return null;
    return { expire: entry.expireSeconds, notify: entry.notify, priority: entry.priority };
  }

  // ---- memcached side -----------------------------------------------------------------------

  /**
   * Returns the item for a memcached read, or null when absent or past its deadline. The view is
   * cached until the key changes, so callers must not modify `data`.
   */
  getItem(key: string): ItemView | null {
    const entry = this.#entries.get(key);
    if (entry === undefined || this.#isPastDeadline(entry)) return null;
    if (entry.viewCache === null) {
      entry.viewCache = Object.freeze({
        data: entry.bytes ?? Buffer.from(renderValueText(entry.jsValue), 'utf8'),
        flags: entry.flags,
        cas: entry.cas,
        expiresAtMs: entry.deadlineMs,
      });
    }
    return entry.viewCache;
  }

  /**
   * Stores bytes from a memcached client (priority NORMAL, notify true) and returns the new CAS
   * unique. `expired` removes the key at once without a report. The table keeps its own copy of
   * `data`. A deadline equal to the stored one keeps the key's age, as for append and incr.
   */
  storeItem(key: string, data: Buffer, flags: number, expiry: ItemExpiry): bigint {
    validateItem(key, data, flags, expiry);
    const nowMs = this.#clock.nowMs();

    if (expiry.kind === 'expired' || (expiry.kind === 'at' && expiry.atMs <= nowMs)) {
      const existing = this.#entries.get(key);
      if (existing !== undefined) {
        this.#delete(existing);
        this.#expired++;
      }
      return this.nextCas();
    }

    const entry = this.#entries.get(key) ?? this.#createEntry(key, nowMs);
    this.#setPriority(entry, PRIORITY_NORMAL);
    entry.notify = true;
    // append, prepend and incr pass the current deadline back; that is no expiry change, so age goes on.
    const sameDeadline = expiry.kind === 'never' ? entry.deadlineMs === null : entry.deadlineMs === expiry.atMs;
    if (!sameDeadline) this.#setExpiry(entry, expiry, nowMs);
    this.#setBytes(entry, Buffer.from(data), flags);
    return entry.cas;
  }

  /** Changes the expiry of a live item, keeping its CAS unique. Returns false when absent or past its deadline. */
  touchItem(key: string, expiry: ItemExpiry): boolean {
    validateItem(key, null, 0, expiry);
    const entry = this.#entries.get(key);
    if (entry === undefined || this.#isPastDeadline(entry)) return false;

    const nowMs = this.#clock.nowMs();
    if (expiry.kind === 'expired' || (expiry.kind === 'at' && expiry.atMs <= nowMs)) {
      this.#delete(entry);
      this.#expired++;
      return true;
    }
    this.#setExpiry(entry, expiry, nowMs);
    return true;
  }

  /** Deletes a live item. Returns false when absent or past its deadline (that key still leaves at its sweep). */
  deleteItem(key: string): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined || this.#isPastDeadline(entry)) return false;
    this.#delete(entry);
    return true;
  }

  /** Takes the next CAS unique from the table-wide counter. */
  nextCas(): bigint {
    return this.#nextCas++;
  }

  // ---- expiry, eviction, stats ----------------------------------------------------------------

  /**
   * Removes every key whose bucket boundary is <= now. Returns the notify keys that left: first
   * the keys evicted since the last `sweep` or `drainEvicted`, then the expired keys ordered by
   * deadline and insertion order.
   */
  sweep(): ExpiredKeyData[] {
    const nowMs = this.#clock.nowMs();
    const reports = this.drainEvicted();

    for (const entry of this.#wheel.takeDue(nowMs)) {
      this.#delete(entry);
      this.#expired++;
      if (entry.notify) reports.push({ name: entry.key, value: entry.triggerValue(), age: nowMs - entry.ageStartMs });
    }
    return reports;
  }

  /** Boundary of the earliest non-empty expiry bucket, in ms, or null when nothing expires. */
  nextSweepAtMs(): number | null {
    return this.#wheel.nextBoundaryMs();
  }

  /** Returns the notify keys evicted for capacity since the last call or sweep, and clears that list. */
  drainEvicted(): ExpiredKeyData[] {
    return this.#evictedReports.drain();
  }

  stats(): SessionTableStats {
    return {
      currItems: this.#entries.size,
      totalItems: this.#totalItems,
      evictions: this.#evictions,
      expired: this.#expired,
      bytes: this.#bytes,
      capacity: this.#capacity,
      evictedReportsDropped: this.#evictedReportsDropped,
    };
  }

  // ---- persistence ----------------------------------------------------------------------------

  /** Returns the whole table in a JSON-serializable form, keys in eviction order. */
  snapshot(): TableSnapshot {
    const nowMs = this.#clock.nowMs();
    const entries = [...this.#entries.values()].sort((a, b) => a.sequence - b.sequence);
    const encoded = entries.map((entry) => encodeEntry(entry, nowMs));
    const textKeys = encoded.filter((entry) => entry.encoding === 'text').map((entry) => entry.key);
    if (textKeys.length > 0) {
      this.#logger.warn('session values saved as text because JSON cannot encode them', {
        count: textKeys.length,
        firstKey: textKeys[0],
      });
    }
    return {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      savedAtMs: nowMs,
      nextCas: this.#nextCas.toString(),
      entries: encoded,
    };
  }

  /**
   * Replaces the contents with a snapshot. Deadlines and ages continue from the current clock.
   * Throws TB_ERR_SESSION_INVALID_SNAPSHOT and leaves the table unchanged when the snapshot is invalid.
   */
  restore(snapshot: TableSnapshot): void {
    const decoded = decodeSnapshot(snapshot);
    const nowMs = this.#clock.nowMs();
    this.#clear();

    let nextCas = decoded.nextCas;
    for (const item of decoded.entries) {
      const entry = this.#entries.get(item.key) ?? this.#createEntry(item.key, nowMs);
      this.#setPriority(entry, item.options.priority);
      entry.notify = item.options.notify;
      this.#scheduleExpiry(entry, item.options.expire, item.remainingMs === null ? null : nowMs + item.remainingMs);
      entry.ageStartMs = nowMs - item.ageMs;
      if (item.bytes !== null) this.#setBytes(entry, item.bytes, item.flags);
      else this.#setJsValue(entry, item.jsValue);
      entry.cas = item.cas;
      if (item.cas >= nextCas) nextCas = item.cas + 1n;
    }
    this.#nextCas = nextCas;
    this.#totalItems = 0;
  }

  // ---- internals ------------------------------------------------------------------------------

  #isPastDeadline(entry: Entry): boolean {
    return entry.deadlineMs !== null && entry.deadlineMs <= this.#clock.nowMs();
  }

  #insert(key: string, value: unknown, options: ParsedSessionOptions): void {
    const nowMs = this.#clock.nowMs();
    const entry = this.#createEntry(key, nowMs);
    entry.notify = options.notify ?? false;
    this.#setPriority(entry, options.priority ?? PRIORITY_NORMAL);
    if (options.expire !== undefined && options.expire !== null) {
      this.#scheduleExpiry(entry, options.expire, nowMs + options.expire * 1000);
    }
    this.#setJsValue(entry, value);
  }

  /** Replaces the value of an existing entry and merges options. Returns the previous value. */
  #overwrite(entry: Entry, value: unknown, options: ParsedSessionOptions): unknown {
    const previous = entry.triggerValue();
    if (options.notify !== undefined) entry.notify = options.notify;
    if (options.priority !== undefined) this.#setPriority(entry, options.priority);
    if (options.expire !== undefined) {
      const nowMs = this.#clock.nowMs();
      const deadlineMs = options.expire === null ? null : nowMs + options.expire * 1000;
      this.#scheduleExpiry(entry, options.expire, deadlineMs);
      entry.ageStartMs = nowMs;
    }
    this.#setJsValue(entry, value);
    return previous;
  }

  /** Creates an empty entry of priority NORMAL, evicting first when the table is full. */
  #createEntry(key: string, nowMs: number): Entry {
    if (this.#entries.size >= this.#capacity) this.#evictOne(nowMs);

    const entry = new Entry(key);
    entry.ageStartMs = nowMs;
    entry.priority = PRIORITY_NORMAL;
    this.#entries.set(key, entry);
    this.#evictionOrder.append(entry);
    this.#bytes += ENTRY_OVERHEAD_BYTES + key.length;
    return entry;
  }

  #evictOne(nowMs: number): void {
    const victim = this.#evictionOrder.nextVictim();
    if (victim === null) return;

    if (this.#evictions === 0) {
      this.#logger.warn('session table full, evicting keys', { capacity: this.#capacity });
    }
    this.#delete(victim);
    this.#evictions++;
    if (!victim.notify) return;

    const report = { name: victim.key, value: victim.triggerValue(), age: nowMs - victim.ageStartMs };
    if (this.#evictedReports.push(report) && this.#evictedReportsDropped++ === 0) {
      this.#logger.warn('evicted key reports dropped because sweep() was not called', { capacity: this.#capacity });
    }
  }

  #delete(entry: Entry): void {
    this.#entries.delete(entry.key);
    this.#evictionOrder.remove(entry);
    this.#wheel.remove(entry);
    this.#bytes -= ENTRY_OVERHEAD_BYTES + entry.key.length + entry.sizeBytes;
  }

  #setPriority(entry: Entry, priority: 0 | 1 | 2): void {
    if (entry.priority === priority) return;
    this.#evictionOrder.remove(entry);
    entry.priority = priority;
    this.#evictionOrder.append(entry);
  }

  /** Sets the `expire` option and the deadline, and files the entry in its new bucket. */
  #scheduleExpiry(entry: Entry, expireSeconds: number | null, deadlineMs: number | null): void {
    const bucketMs = deadlineMs === null ? null : bucketBoundaryMs(deadlineMs);
    entry.expireSeconds = expireSeconds;
    entry.deadlineMs = deadlineMs;
    entry.viewCache = null;
    // A rewrite that lands in the same bucket keeps its place: sweeps order by deadline anyway.
    if (bucketMs === entry.bucketMs && (bucketMs === null || entry.bucket !== null)) return;

    this.#wheel.remove(entry);
    entry.bucketMs = bucketMs;
    this.#wheel.add(entry);
  }

  /** Applies a memcached expiry that is not already past; restarts the key's age. */
  #setExpiry(entry: Entry, expiry: ItemExpiry, nowMs: number): void {
    if (expiry.kind === 'at') this.#scheduleExpiry(entry, (expiry.atMs - nowMs) / 1000, expiry.atMs);
    else this.#scheduleExpiry(entry, null, null);
    entry.ageStartMs = nowMs;
  }

  #setJsValue(entry: Entry, value: unknown): void {
    entry.jsValue = value;
    entry.bytes = null;
    entry.textCache = null;
    entry.flags = 0;
    this.#afterWrite(entry, estimateValueBytes(value));
  }

  #setBytes(entry: Entry, data: Buffer, flags: number): void {
    entry.jsValue = null;
    entry.bytes = data;
    entry.textCache = null;
    entry.flags = flags;
    this.#afterWrite(entry, data.length);
  }

  #afterWrite(entry: Entry, sizeBytes: number): void {
    this.#bytes += sizeBytes - entry.sizeBytes;
    entry.sizeBytes = sizeBytes;
    entry.viewCache = null;
    entry.cas = this.nextCas();
    this.#totalItems++;
  }

  #clear(): void {
    this.#entries.clear();
    this.#evictionOrder.clear();
    this.#wheel.clear();
    this.#evictedReports.drain();
    this.#bytes = 0;
  }
}
