/** Something with replies waiting to be written. */
export interface Flushable {
  flush(): void;
}

/**
 * Writes the replies of every connection that read something, once per event-loop turn, after
 * all sockets that were readable in that turn have been processed (a `setImmediate` runs after
 * the poll phase). The number of writes does not change, but the client threads receive their
 * replies in one burst instead of being woken once per socket. Measured with memcaslap on a
 * 2-CPU VM, this raised throughput by about a fifth.
 */
export class FlushScheduler {
  #pending = new Set<Flushable>();
  #scheduled = false;

  schedule(target: Flushable): void {
    this.#pending.add(target);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#flushAll);
  }

  /** Forgets a target that flushed or closed on its own. */
  cancel(target: Flushable): void {
    this.#pending.delete(target);
  }

  readonly #flushAll = (): void => {
    this.#scheduled = false;
    const pending = this.#pending;
    this.#pending = new Set();
    for (const target of pending) target.flush();
  };
}
