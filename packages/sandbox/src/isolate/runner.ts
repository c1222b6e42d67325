import type { BatchResult, ErrorReport } from './contract.js';
import { saveFlowStore } from './flow.js';
import { flushCounts } from './metrics.js';
import { EXIT_SIGNAL, TriggerApiError, current, getConfig, pending } from './state.js';

let triggerFunction: (() => unknown) | null = null;
let subscribed: boolean[] = [];
let progress: Int32Array | null = null;

/** Sets the compiled trigger body and the event codes it runs on. */
export function setTrigger(fn: () => unknown): void {
  const { options } = getConfig();
  triggerFunction = fn;
  subscribed = options.eventNames.map((name) => options.subscribedEvents.includes(name));
  progress = new Int32Array(options.progress);
}

function report(index: number, error: unknown): ErrorReport {
  if (error instanceof Error) {
    return {
      index,
      code: error instanceof TriggerApiError ? error.code : '',
      errorName: error.name,
      message: error.message,
      stack: typeof error.stack === 'string' ? error.stack : '',
    };
  }
  let text: string;
  try {
    text = typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
  } catch {
    text = String(error);
  }
  return { index, code: '', errorName: 'Error', message: `uncaught value thrown: ${text}`, stack: '' };
}

/** Deletes globals the script created by assigning to undeclared names, so none survive the run. */
function removeLeakedGlobals(): void {
  const leaked = Object.keys(globalThis);
  if (leaked.length === 0) return;
  const globals = globalThis as Record<string, unknown>;
  for (const name of leaked) delete globals[name];
}

function runOne(index: number, names: Uint8Array, timestamps: Float64Array): void {
  const { options } = getConfig();
  current.index = index;
  current.name = options.eventNames[names[index] as number] as string;
  current.timestampMs = timestamps[index] as number;
  current.dnsObject = null;
  current.flowObject = null;
  current.flowStore = undefined;
  current.remoteQueued = false;
  const slots = progress as Int32Array;
  slots[0] = index;
  slots[1] = (slots[1] as number) + 1;

  try {
    (triggerFunction as () => unknown)();
  } catch (error) {
    if (error !== EXIT_SIGNAL) pending.errors.push(report(index, error));
  }
  try {
    saveFlowStore();
  } catch (error) {
    pending.errors.push(report(index, error));
  }
  removeLeakedGlobals();
}

/**
 * Runs the trigger on its subscribed events of a batch, from batch index `start`. Returns early
 * after an event that queued a Remote.HTTP request, and before starting an event once the call
 * has used `sliceMs`, so that the host's per-call timeout stays a per-event budget.
 */
export function runBatch(batchId: number, names: Uint8Array, timestamps: Float64Array, start: number): BatchResult {
  const startedAtMs = Date.now();
  const { sliceMs } = getConfig().options;
  current.batchId = batchId;
  (progress as Int32Array)[1] = 0;
  let runs = 0;
  let index = start;
  let remoteQueued = false;

  while (index < names.length) {
    if (!subscribed[names[index] as number]) {
      index++;
      continue;
    }
    runOne(index, names, timestamps);
    runs++;
    index++;
    if (current.remoteQueued) {
      remoteQueued = true;
      break;
    }
    if (Date.now() - startedAtMs >= sliceMs) break;
  }

  (progress as Int32Array)[0] = -1;
  return { next: index, runs, remoteQueued, ...drain() };
}

/** Returns and clears the buffered metric records and errors, also after an interrupted run. */
export function drain(): { metrics: unknown[]; errors: ErrorReport[] } {
  flushCounts();
  const output = { metrics: pending.metrics, errors: pending.errors };
  pending.metrics = [];
  pending.errors = [];
  return output;
}
