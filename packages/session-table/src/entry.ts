import type { ItemView, Priority } from './types.js';

/**
 * One key of the table. A value is held either as a trigger's JS value (`bytes` null) or as the
 * bytes a memcached client stored (`bytes` set). The other form is derived on demand and cached.
 */
export class Entry {
  readonly key: string;

  /** Trigger value; unused while `bytes` is set. */
  jsValue: unknown = null;
  /** Bytes stored through memcached, or null for a trigger value. */
  bytes: Buffer | null = null;
  /** Cached UTF-8 decoding of `bytes`, as triggers read it. */
  textCache: string | null = null;
  /** Cached memcached view, rebuilt after every change. */
  viewCache: ItemView | null = null;
  flags = 0;
  cas = 0n;

  /** `expire` option in seconds; null when the key never expires. */
  expireSeconds: number | null = null;
  /** Exact deadline in ms, or null. */
  deadlineMs: number | null = null;
  /** Boundary of the expiry bucket holding the key (deadline rounded up to 30 s), or null. */
  bucketMs: number | null = null;
  /** The expiry bucket that contains this entry, or null. */
  bucket: Set<Entry> | null = null;
  notify = false;
  priority: Priority = 1;
  /** Time the key was added or its expiry last changed, the origin of `age`. */
  ageStartMs = 0;
  /** Approximate bytes counted in the table's `bytes` statistic. */
  sizeBytes = 0;

  /** Position in the eviction order: increases with every insertion into a priority list. */
  sequence = 0;
  olderInPriority: Entry | null = null;
  newerInPriority: Entry | null = null;

  constructor(key: string) {
    this.key = key;
  }

  /** Returns the value as a trigger reads it, decoding memcached bytes as UTF-8 once. */
  triggerValue(): unknown {
    if (this.bytes === null) return this.jsValue;
    if (this.textCache === null) this.textCache = this.bytes.toString('utf8');
    return this.textCache;
  }
}
