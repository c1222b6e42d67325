import { CYCLE_MS } from '@triggerbox/core';
import type { Entry } from './entry.js';

/** Boundary of the bucket for `deadlineMs`: the deadline rounded up to a multiple of 30 s. */
export function bucketBoundaryMs(deadlineMs: number): number {
  return Math.ceil(deadlineMs / CYCLE_MS) * CYCLE_MS;
}

/**
 * Expiring keys grouped in 30-second buckets keyed by boundary time. A min-heap of boundaries
 * finds the next bucket to sweep, so a sweep touches only the keys it removes.
 */
export class ExpiryWheel {
  readonly #buckets = new Map<number, Set<Entry>>();
  /** Min-heap of the keys of `#buckets`; a bucket stays until its boundary is taken. */
  readonly #boundaries: number[] = [];

  /** Files `entry` under `entry.bucketMs`, which must be set. */
  add(entry: Entry): void {
    const boundaryMs = entry.bucketMs;
    if (boundaryMs === null) return;

    let bucket = this.#buckets.get(boundaryMs);
    if (bucket === undefined) {
      bucket = new Set();
      this.#buckets.set(boundaryMs, bucket);
      this.#pushBoundary(boundaryMs);
    }
    bucket.add(entry);
    entry.bucket = bucket;
  }

  remove(entry: Entry): void {
    if (entry.bucket === null) return;
    entry.bucket.delete(entry);
    entry.bucket = null;
  }

  /** Boundary of the earliest non-empty bucket, or null. Drops empty buckets on the way. */
  nextBoundaryMs(): number | null {
    for (;;) {
      const top = this.#boundaries[0];
      if (top === undefined) return null;
      const bucket = this.#buckets.get(top);
      if (bucket !== undefined && bucket.size > 0) return top;
      this.#popBoundary();
    }
  }

  /**
   * Removes and returns, bucket by bucket, every entry whose boundary is <= `nowMs`. Entries
   * come out ordered by deadline, then by eviction sequence (insertion order).
   */
  takeDue(nowMs: number): Entry[] {
    const due: Entry[] = [];
    for (;;) {
      const boundaryMs = this.nextBoundaryMs();
      if (boundaryMs === null || boundaryMs > nowMs) break;

      const bucket = this.#buckets.get(boundaryMs);
      this.#popBoundary();
      if (bucket === undefined) continue;
      const entries = [...bucket].sort(compareDeadlineThenSequence);
      for (const entry of entries) {
        entry.bucket = null;
        due.push(entry);
      }
    }
    return due;
  }

  clear(): void {
    this.#buckets.clear();
    this.#boundaries.length = 0;
  }

  #pushBoundary(boundaryMs: number): void {
    const heap = this.#boundaries;
    heap.push(boundaryMs);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentValue = heap[parent]!;
      if (parentValue <= boundaryMs) break;
      heap[index] = parentValue;
      index = parent;
    }
    heap[index] = boundaryMs;
  }

  /** Removes the smallest boundary from the heap and its bucket from the map. */
  #popBoundary(): void {
    const heap = this.#boundaries;
    const top = heap[0];
    if (top === undefined) return;
    this.#buckets.delete(top);

    const last = heap.pop()!;
    if (heap.length === 0) return;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]! < heap[left]! ? right : left;
      if (heap[child]! >= last) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = last;
  }
}

function compareDeadlineThenSequence(a: Entry, b: Entry): number {
  return (a.deadlineMs ?? 0) - (b.deadlineMs ?? 0) || a.sequence - b.sequence;
}
