/** Length of one expiry bucket, metric cycle and TIMER_30SEC period, in milliseconds. */
export const CYCLE_MS = 30_000;

/** Source of the current time, in milliseconds since the Unix epoch (may carry a fraction). */
export interface Clock {
  nowMs(): number;
}

/** Start of the 30-second cycle that contains `timeMs`. */
export function cycleStart(timeMs: number): number {
  return Math.floor(timeMs / CYCLE_MS) * CYCLE_MS;
}

/** Wall-clock time, for `serve`. */
export class SystemClock implements Clock {
  nowMs(): number {
    return Date.now();
  }
}

/**
 * Clock moved by hand, for replays (capture time) and tests. It never runs backwards:
 * a capture with out-of-order timestamps keeps the latest time seen.
 */
export class VirtualClock implements Clock {
  #nowMs: number;

  constructor(startMs = 0) {
    this.#nowMs = startMs;
  }

  nowMs(): number {
    return this.#nowMs;
  }

  /** Moves the clock to `timeMs` unless that is earlier than the current time. */
  set(timeMs: number): void {
    if (timeMs > this.#nowMs) this.#nowMs = timeMs;
  }

  advance(deltaMs: number): void {
    if (deltaMs > 0) this.#nowMs += deltaMs;
  }
}
