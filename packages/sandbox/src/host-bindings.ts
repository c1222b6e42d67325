import { createHash, randomUUID } from 'node:crypto';
import { TriggerboxError, type Clock } from '@triggerbox/core';
import type { SessionTable } from '@triggerbox/session-table';
import type { RemoteHttp } from '@triggerbox/remote';
import type { EventBatch } from './batch.js';
import type { FlowStores } from './flow-stores.js';
import type { BatchColumnName, HostCallbacks, HostReply } from './isolate-contract.js';
import { SANDBOX_LIMITS } from './limits.js';
import { RepeatLimiter } from './repeat-limiter.js';

/** Engine parts the callbacks of every trigger share. */
export interface HostServices {
  session: SessionTable;
  remote: RemoteHttp;
  clock: Clock;
  flowStores: FlowStores;
  /** Batches being fired, by id; a REMOTE_RESPONSE batch can run while its parent batch waits. */
  batches: ReadonlyMap<number, EventBatch>;
  /** Writes one line of trigger output. */
  writeOutput: (line: string) => void;
  outputLimiter: RepeatLimiter;
}

/** Number of arguments each Session method takes; extra arguments are ignored as on the sensor. */
const SESSION_ARITY: Record<string, number> = {
  add: 3,
  lookup: 1,
  modify: 3,
  replace: 3,
  update: 3,
  remove: 1,
  increment: 2,
  getOptions: 1,
};

const HASH_ALGORITHMS = new Set(['md5', 'sha1', 'sha256', 'sha512']);

function failure(error: unknown): HostReply {
  if (error instanceof TriggerboxError) return [false, error.code, error.message];
  return [false, 'TB_ERR_SANDBOX_ISOLATE_FAILED', error instanceof Error ? error.message : String(error)];
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

function callSession(session: SessionTable, method: string, args: unknown[]): HostReply {
  const arity = SESSION_ARITY[method];
  if (arity === undefined) return [false, 'TB_ERR_SANDBOX_INVALID_ARGUMENT', `Session.${method} is not a Session method.`];
  const table = session as unknown as Record<string, (...values: unknown[]) => unknown>;
  const tableMethod = method === 'update' ? 'replace' : method;
  try {
    return [true, table[tableMethod]?.apply(session, args.slice(0, arity)) ?? null];
  } catch (error) {
    const reply = failure(error);
    // Errors name the method the trigger called, not the one `update` forwards to.
    if (method === 'update' && !reply[0]) reply[2] = reply[2].replaceAll('Session.replace', 'Session.update');
    return reply;
  }
}

/** Builds the host callbacks bound into the isolate of the trigger named `triggerName`. */
export function createHostCallbacks(triggerName: string, services: HostServices): HostCallbacks {
  return {
    session: (method, args) => callSession(services.session, method, Array.isArray(args) ? args : []),

    remote: (target, method, options) => {
      try {
        return [true, services.remote.request(target, method, options as never, { trigger: triggerName })];
      } catch (error) {
        return failure(error);
      }
    },

    output: (kind, text) => {
      const message = truncateUtf8(String(text), SANDBOX_LIMITS.maxMessageBytes);
      const held = services.outputLimiter.admit(`${triggerName}\0${message}`, services.clock.nowMs());
      if (held === null) return;
      const repeats = held > 0 ? ` (${held} identical ${kind} lines not shown)` : '';
      services.writeOutput(`${triggerName}: ${message}${repeats}`);
    },

    hash: (algorithm, input) => {
      if (!HASH_ALGORITHMS.has(algorithm)) return [false, 'TB_ERR_SANDBOX_INVALID_ARGUMENT', `${algorithm} is not a supported hash.`];
      if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
        return [false, 'TB_ERR_SANDBOX_INVALID_ARGUMENT', `${algorithm}: the input must be a string or a Uint8Array.`];
      }
      return [true, createHash(algorithm).update(input).digest('hex')];
    },

    uuid: () => randomUUID(),

    flowStore: (flowId, value) => {
      if (value === undefined) return [true, services.flowStores.get(flowId)];
      services.flowStores.set(flowId, value);
      return [true, null];
    },

    column: (batchId: number, name: BatchColumnName) => services.batches.get(batchId)?.column(name) ?? [],
  };
}
