/**
 * Lets a message through once per interval of clock time per key, and counts the repeats it
 * held back. Memory is bounded: past `maxKeys` keys, expired keys are dropped, then all of them.
 */
export class RepeatLimiter {
  readonly #intervalMs: number;
  readonly #maxKeys: number;
  readonly #shown = new Map<string, { atMs: number; held: number }>();

  constructor(intervalMs: number, maxKeys = 4_096) {
    this.#intervalMs = intervalMs;
    this.#maxKeys = maxKeys;
  }

  /** Returns null to hold the message back, or the number of repeats held back since it was last shown. */
  admit(key: string, nowMs: number): number | null {
    const last = this.#shown.get(key);
    if (last !== undefined && nowMs - last.atMs < this.#intervalMs) {
      last.held++;
      return null;
    }
    if (last === undefined && this.#shown.size >= this.#maxKeys) this.#prune(nowMs);
    this.#shown.set(key, { atMs: nowMs, held: 0 });
    return last?.held ?? 0;
  }

  #prune(nowMs: number): void {
    for (const [key, entry] of this.#shown) {
      if (nowMs - entry.atMs >= this.#intervalMs) this.#shown.delete(key);
    }
    if (this.#shown.size >= this.#maxKeys) this.#shown.clear();
  }
}
