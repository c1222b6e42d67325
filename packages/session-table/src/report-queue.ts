import type { ExpiredKeyData } from '@triggerbox/core';

/**
 * FIFO of eviction reports holding at most `limit` items. When full, pushing drops the oldest
 * report. Dropping and draining are amortised O(1): dropped slots are compacted in batches.
 */
export class ReportQueue {
  readonly #limit: number;
  #items: ExpiredKeyData[] = [];
  /** Index of the oldest report still queued; slots before it were dropped. */
  #head = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Appends a report. Returns true when the oldest report was dropped to make room. */
  push(report: ExpiredKeyData): boolean {
    let dropped = false;
    if (this.length >= this.#limit) {
      this.#items[this.#head] = undefined as unknown as ExpiredKeyData;
      this.#head++;
      dropped = true;
      if (this.#head >= 1_024 && this.#head * 2 >= this.#items.length) {
        this.#items.splice(0, this.#head);
        this.#head = 0;
      }
    }
    this.#items.push(report);
    return dropped;
  }

  /** Returns every queued report, oldest first, and empties the queue. */
  drain(): ExpiredKeyData[] {
    const reports = this.#head === 0 ? this.#items : this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    return reports;
  }
}
