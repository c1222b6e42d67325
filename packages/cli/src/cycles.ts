import { CYCLE_MS, cycleStart, type EventName, type Logger, type TriggerEvent } from '@triggerbox/core';
import type { SessionTable } from '@triggerbox/session-table';

/** Counts fired events per event name, for summaries. */
export class EventCounter {
  readonly #counts = new Map<EventName, number>();

  add(name: EventName, count = 1): void {
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + count);
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.#counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}

/**
 * Maximum number of cycles fired for one gap between events. A merged replay of captures years apart would
 * otherwise fire millions of TIMER_30SEC events; past this many the clock jumps to the last
 * boundary and one sweep removes everything due.
 */
export const MAX_CYCLES_PER_GAP = 2_880;

export interface CycleSchedulerOptions {
  table: SessionTable;
  fire: (events: TriggerEvent[]) => Promise<void>;
  counter: EventCounter;
  logger: Logger;
  /** Moves the clock to a boundary before it is processed; replays pass their virtual clock's `set`. */
  setClock?: (timeMs: number) => void;
}

/**
 * Fires what happens on each 30-second boundary of the clock: the expiry sweep, whose notify keys
 * arrive as SESSION_EXPIRE with `Session.expiredKeys`, then TIMER_30SEC.
 */
export class CycleScheduler {
  readonly #options: CycleSchedulerOptions;
  #nextBoundaryMs: number;

  constructor(startMs: number, options: CycleSchedulerOptions) {
    this.#options = options;
    this.#nextBoundaryMs = cycleStart(startMs) + CYCLE_MS;
  }

  get nextBoundaryMs(): number {
    return this.#nextBoundaryMs;
  }

  /** Processes every boundary at or before `timeMs`, oldest first. */
  async runUntil(timeMs: number): Promise<void> {
    const due = Math.floor((timeMs - this.#nextBoundaryMs) / CYCLE_MS) + 1;
    if (due <= 0) return;
    if (due > MAX_CYCLES_PER_GAP) {
      const skipped = due - MAX_CYCLES_PER_GAP;
      this.#options.logger.warn('capture time jumped; timer cycles in the gap skipped, and expired keys swept at once', {
        fromMs: this.#nextBoundaryMs,
        toMs: timeMs,
        skippedCycles: skipped,
      });
      this.#nextBoundaryMs += skipped * CYCLE_MS;
    }
    while (this.#nextBoundaryMs <= timeMs) {
      await this.runBoundary(this.#nextBoundaryMs);
      this.#nextBoundaryMs += CYCLE_MS;
    }
  }

  /** Sweeps the table and fires the events of one boundary. */
  async runBoundary(boundaryMs: number): Promise<void> {
    const { table, fire, counter, setClock } = this.#options;
    setClock?.(boundaryMs);

    const expiredKeys = [...table.sweep(), ...table.drainEvicted()];
    const events: TriggerEvent[] = [];
    if (expiredKeys.length > 0) {
      events.push({ name: 'SESSION_EXPIRE', timestampMs: boundaryMs, expiredKeys });
    }
    events.push({ name: 'TIMER_30SEC', timestampMs: boundaryMs });

    for (const event of events) counter.add(event.name);
    await fire(events);
  }
}
