import ivm from 'isolated-vm';
import { EVENT_NAMES, type TriggerboxError } from '@triggerbox/core';
import type { SourcePosition } from './error-info.js';
import { DNS_FIELDS, FLOW_FIELDS, type EventBatch } from './batch.js';
import { sandboxError } from './errors.js';
import { METRIC_TYPES, type BatchResult, type ErrorReport, type HostCallbacks, type SystemInfo } from './isolate-contract.js';
import { instantiateRuntime } from './runtime-code.js';
import type { TriggerSource } from './trigger-source.js';

export interface IsolateSettings {
  memoryLimitMb: number;
  timeoutMs: number;
  sliceMs: number;
  system: SystemInfo;
}

export type FaultCode = 'TB_ERR_SANDBOX_TIMEOUT' | 'TB_ERR_SANDBOX_MEMORY_LIMIT' | 'TB_ERR_SANDBOX_ISOLATE_FAILED';

/** Outcome of one call into the isolate. */
export type RunOutcome =
  | { kind: 'completed'; result: BatchResult }
  | {
      kind: 'fault';
      code: FaultCode;
      /** Error message from isolated-vm. */
      reason: string;
      /** Batch index of the event that was running when the call failed. */
      index: number;
      /** Events started during the call, the failed one included. */
      runs: number;
      /** Metric records and errors buffered before the fault; empty when the isolate is gone. */
      metrics: unknown[];
      errors: ErrorReport[];
    };

/** Time allowed for setup steps that run no trigger code, such as collecting buffered output. */
const HOUSEKEEPING_TIMEOUT_MS = 1_000;

/**
 * One trigger's isolate: the runtime with the API globals, and the trigger body compiled as a
 * function so that `return` works at top level and script variables do not outlive a run.
 */
export class TriggerIsolate {
  readonly #isolate: ivm.Isolate;
  readonly #runBatch: ivm.Reference;
  readonly #drain: ivm.Reference;
  readonly #progress: Int32Array;
  readonly #callTimeoutMs: number;

  private constructor(isolate: ivm.Isolate, runBatch: ivm.Reference, drain: ivm.Reference, progress: Int32Array, callTimeoutMs: number) {
    this.#isolate = isolate;
    this.#runBatch = runBatch;
    this.#drain = drain;
    this.#progress = progress;
    this.#callTimeoutMs = callTimeoutMs;
  }

  /**
   * Builds the isolate and compiles the trigger. Throws TB_ERR_SANDBOX_SYNTAX when the script does
   * not parse; the error's `position` property contains the file, line and column.
   */
  static async create(source: TriggerSource, host: HostCallbacks, settings: IsolateSettings): Promise<TriggerIsolate> {
    const isolate = new ivm.Isolate({ memoryLimit: settings.memoryLimitMb });
    try {
      const context = await isolate.createContext();
      const entry = instantiateRuntime(isolate, context, HOUSEKEEPING_TIMEOUT_MS);
      const exported = (name: string): ivm.Reference => entry.namespace.getSync(name, { reference: true }) as ivm.Reference;

      const progressMemory = new SharedArrayBuffer(8);
      const callbacks = Object.fromEntries(
        Object.entries(host).map(([name, callback]) => [name, new ivm.Callback(callback as (...args: unknown[]) => unknown)]),
      );
      exported('setup').applySync(undefined, [callbacks, {
        triggerName: source.name,
        file: source.origin,
        debug: source.debug,
        eventNames: [...EVENT_NAMES],
        subscribedEvents: source.events,
        metricTypes: [...METRIC_TYPES],
        dnsFields: [...DNS_FIELDS],
        flowFields: [...FLOW_FIELDS],
        system: settings.system,
        sliceMs: settings.sliceMs,
        progress: progressMemory,
      }], { arguments: { copy: true }, timeout: HOUSEKEEPING_TIMEOUT_MS });

      const trigger = await compileTrigger(isolate, context, source, settings.timeoutMs);
      exported('setTrigger').applySync(undefined, [trigger.derefInto()], { timeout: HOUSEKEEPING_TIMEOUT_MS });
      trigger.release();

      return new TriggerIsolate(
        isolate,
        exported('runBatch'),
        exported('drain'),
        new Int32Array(progressMemory),
        settings.timeoutMs + settings.sliceMs,
      );
    } catch (error) {
      isolate.dispose();
      throw error;
    }
  }

  /** True once the isolate is gone (memory limit or `dispose`); the trigger needs a new one. */
  get disposed(): boolean {
    return this.#isolate.isDisposed;
  }

  /** Runs the trigger on its events of `batch` from index `start`, until done, a Remote.HTTP request, or a time slice ends. */
  run(batch: EventBatch, start: number): RunOutcome {
    this.#progress[0] = -1;
    this.#progress[1] = 0;
    try {
      const result = this.#runBatch.applySync(undefined, [batch.id, batch.names, batch.timestamps, start], {
        arguments: { copy: true },
        result: { copy: true },
        timeout: this.#callTimeoutMs,
      }) as BatchResult;
      return { kind: 'completed', result };
    } catch (error) {
      return this.#fault(error, start);
    }
  }

  #fault(error: unknown, start: number): RunOutcome {
    const reason = error instanceof Error ? error.message : String(error);
    const running = this.#progress[0] as number;
    const index = running >= 0 ? running : start;
    const runs = this.#progress[1] as number;

    if (this.#isolate.isDisposed) {
      // NOTE: metric records buffered earlier in this call die with the isolate, so up to one
      // time slice (maxSliceMs) of this trigger's metrics before a memory fault is lost.
      const code = /memory/i.test(reason) ? 'TB_ERR_SANDBOX_MEMORY_LIMIT' : 'TB_ERR_SANDBOX_ISOLATE_FAILED';
      return { kind: 'fault', code, reason, index, runs, metrics: [], errors: [] };
    }

    const code = /timed out/i.test(reason) ? 'TB_ERR_SANDBOX_TIMEOUT' : 'TB_ERR_SANDBOX_ISOLATE_FAILED';
    let drained: { metrics: unknown[]; errors: ErrorReport[] } = { metrics: [], errors: [] };
    try {
      drained = this.#drain.applySync(undefined, [], { result: { copy: true }, timeout: HOUSEKEEPING_TIMEOUT_MS }) as typeof drained;
    } catch {
      // The buffered output is lost when the isolate cannot even return it; the fault itself is still reported.
    }
    return { kind: 'fault', code, reason, index, runs, ...drained };
  }

  dispose(): void {
    if (!this.#isolate.isDisposed) this.#isolate.dispose();
  }
}

/** Compiles the body inside `(function () {` ... `})` with a line offset of -1, so positions match the file. */
async function compileTrigger(isolate: ivm.Isolate, context: ivm.Context, source: TriggerSource, timeoutMs: number): Promise<ivm.Reference> {
  let script: ivm.Script;
  try {
    script = await isolate.compileScript(`(function () {\n${source.script}\n})`, { filename: source.origin, lineOffset: -1 });
  } catch (error) {
    throw syntaxError(source, error);
  }
  return (await script.run(context, { reference: true, timeout: timeoutMs })) as ivm.Reference;
}

/** Turns V8's "message [file:line:column]" into TB_ERR_SANDBOX_SYNTAX naming the trigger and position. */
function syntaxError(source: TriggerSource, error: unknown): TriggerboxError {
  const text = error instanceof Error ? error.message : String(error);
  const suffix = `[${source.origin}:`;
  const at = text.lastIndexOf(suffix);
  let message = text;
  let line: number | undefined;
  let column: number | undefined;
  if (at >= 0) {
    const match = /^(\d+):(\d+)\]$/.exec(text.slice(at + suffix.length));
    if (match !== null) {
      line = Number(match[1]);
      column = Number(match[2]);
      message = text.slice(0, at).trimEnd();
    }
  }
  const location = line === undefined ? source.origin : `${source.origin}:${line}:${column}`;
  const failure = sandboxError('TB_ERR_SANDBOX_SYNTAX', `${source.name}: SyntaxError: ${message} at ${location}`, error);
  const position: SourcePosition = { file: source.origin, ...(line === undefined ? {} : { line, column }) };
  Object.assign(failure, { position });
  return failure;
}
