import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';

/**
 * Holds a replay to `speed` times the recorded pace: an event recorded t ms after the first one is
 * fired t / speed ms of wall time after the replay started. `speed` Infinity never waits.
 */
export class Pacer {
  readonly #speed: number;
  #firstEventMs: number | null = null;
  #wallStartMs = 0;

  constructor(speed: number) {
    this.#speed = speed;
  }

  get unpaced(): boolean {
    return this.#speed === Infinity;
  }

  /** Milliseconds of wall time to wait before firing an event recorded at `timestampMs`. */
  delayMs(timestampMs: number): number {
    if (this.unpaced) return 0;
    if (this.#firstEventMs === null) {
      this.#firstEventMs = timestampMs;
      this.#wallStartMs = performance.now();
      return 0;
    }
    const dueMs = this.#wallStartMs + (timestampMs - this.#firstEventMs) / this.#speed;
    return Math.max(0, dueMs - performance.now());
  }

  async wait(delayMs: number): Promise<void> {
    if (delayMs >= 1) await sleep(delayMs);
  }
}
