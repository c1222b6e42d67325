import { SANDBOX_LIMITS } from './limits.js';

/**
 * `Flow.store` objects by flow id, shared by every trigger. Values are copies made when a run
 * ends. At most `SANDBOX_LIMITS.maxFlowStores` flows are kept; the least recently written goes first.
 */
export class FlowStores {
  readonly #stores = new Map<string, unknown>();

  get(flowId: string): unknown {
    return this.#stores.get(flowId) ?? null;
  }

  set(flowId: string, value: unknown): void {
    this.#stores.delete(flowId);
    this.#stores.set(flowId, value);
    if (this.#stores.size > SANDBOX_LIMITS.maxFlowStores) {
      const oldest = this.#stores.keys().next().value as string;
      this.#stores.delete(oldest);
    }
  }
}
