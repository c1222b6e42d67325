import type { Entry } from './entry.js';
import type { Priority } from './types.js';

/**
 * Eviction order of the table: one doubly linked list per priority, oldest insertion at the head.
 * Adding, removing and finding the next victim are O(1).
 */
export class EvictionOrder {
  readonly #oldest: (Entry | null)[] = [null, null, null];
  readonly #newest: (Entry | null)[] = [null, null, null];
  #nextSequence = 1;

  /** Appends `entry` as the newest of its priority. */
  append(entry: Entry): void {
    const priority = entry.priority;
    const newest = this.#newest[priority] ?? null;

    entry.sequence = this.#nextSequence++;
    entry.olderInPriority = newest;
    entry.newerInPriority = null;
    if (newest === null) this.#oldest[priority] = entry;
    else newest.newerInPriority = entry;
    this.#newest[priority] = entry;
  }

  /** Unlinks `entry` from the list of `priority` (its priority when it was appended). */
  remove(entry: Entry, priority: Priority = entry.priority): void {
    const older = entry.olderInPriority;
    const newer = entry.newerInPriority;

    if (older === null) this.#oldest[priority] = newer;
    else older.newerInPriority = newer;
    if (newer === null) this.#newest[priority] = older;
    else newer.olderInPriority = older;
    entry.olderInPriority = null;
    entry.newerInPriority = null;
  }

  /** Returns the entry to evict next: the oldest of the lowest non-empty priority, or null. */
  nextVictim(): Entry | null {
    for (const head of this.#oldest) {
      if (head !== null) return head;
    }
    return null;
  }

  clear(): void {
    this.#oldest.fill(null);
    this.#newest.fill(null);
  }
}
