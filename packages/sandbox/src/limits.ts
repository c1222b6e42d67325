/** Limits and defaults of the trigger engine. */
export const SANDBOX_LIMITS = {
  /** Heap limit of each trigger's isolate; isolated-vm accepts 8 MB and more. */
  defaultMemoryLimitMb: 64,
  minMemoryLimitMb: 8,
  /** Time one event run may take before it is stopped. */
  defaultTimeoutMs: 1_000,
  /**
   * A call into an isolate returns to the host before starting another event once it has run this
   * long, so each event gets between timeoutMs and timeoutMs + maxSliceMs before it is stopped.
   */
  maxSliceMs: 10,
  /** Timeouts and memory-limit faults of one trigger in one batch before its remaining events are skipped. */
  maxFaultsPerBatch: 3,
  /** REMOTE_RESPONSE rounds that may follow one event before responses wait for the next batch. */
  maxRemoteRounds: 16,
  /** debug() and log() messages are cut to this many UTF-8 bytes. */
  maxMessageBytes: 2048,
  /** Identical output lines and error reports of a trigger are shown once per this much clock time. */
  repeatIntervalMs: 30_000,
  /** Flows whose Flow.store is kept; the least recently written is dropped first. */
  maxFlowStores: 65_536,
} as const;
