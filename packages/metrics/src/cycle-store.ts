import { RowStore } from './row-store.js';

/**
 * Row stores per cycle of a fixed length, keyed by cycle start. Only the newest `retainCycles`
 * cycles are kept, so a long `serve` run does not grow without bound.
 */
export class CycleStore {
  readonly cycleMs: number;
  readonly #retainCycles: number;
  readonly #cycles = new Map<number, RowStore>();
  /** Cycle starts in ascending order. */
  #starts: number[] = [];
  #currentStartMs = Number.NaN;
  #current: RowStore | null = null;

  constructor(cycleMs: number, retainCycles: number) {
    this.cycleMs = cycleMs;
    this.#retainCycles = retainCycles;
  }

  /** Start of the cycle containing `timeMs`. */
  startOf(timeMs: number): number {
    return Math.floor(timeMs / this.cycleMs) * this.cycleMs;
  }

  /** Returns the rows of the cycle containing `timeMs`, creating the cycle when needed. */
  rowsAt(timeMs: number): RowStore {
    const startMs = this.startOf(timeMs);
    if (startMs === this.#currentStartMs && this.#current !== null) return this.#current;

    let rows = this.#cycles.get(startMs);
    if (rows === undefined) {
      rows = new RowStore();
      this.#cycles.set(startMs, rows);
      this.#insertStart(startMs);
    }
    this.#currentStartMs = startMs;
    this.#current = rows;
    return rows;
  }

  /** Returns every retained cycle as [start, rows] pairs, oldest first. */
  entries(): [number, RowStore][] {
    return this.#starts.map((startMs) => [startMs, this.#cycles.get(startMs)!]);
  }

  clear(): void {
    this.#cycles.clear();
    this.#starts = [];
    this.#currentStartMs = Number.NaN;
    this.#current = null;
  }

  #insertStart(startMs: number): void {
    // Cycles almost always arrive in order; a wall clock stepping back inserts in the middle.
    let index = this.#starts.length;
    while (index > 0 && this.#starts[index - 1]! > startMs) index--;
    this.#starts.splice(index, 0, startMs);

    while (this.#starts.length > this.#retainCycles) {
      const oldest = this.#starts.shift()!;
      this.#cycles.delete(oldest);
      if (oldest === this.#currentStartMs) {
        this.#currentStartMs = Number.NaN;
        this.#current = null;
      }
    }
  }
}
