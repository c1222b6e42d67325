import { createHash, randomUUID } from 'node:crypto';
import { TriggerboxError, type Clock } from '@triggerbox/core';
import type { SessionTable } from '@triggerbox/session-table';
import type { RemoteHttp, RemoteRequestOptions } from '@triggerbox/remote';
import type { EventBatch } from './batch.js';
import type { FlowStores } from './flow-stores.js';
import { HOST_ERROR_MARK, type BatchColumnName, type HostCallbacks } from './isolate-contract.js';
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

const HASH_ALGORITHMS = new Set(['md5', 'sha1', 'sha256', 'sha512']);

/** Builds the error a callback throws into the isolate; see HOST_ERROR_MARK for the format. */
function hostError(code: string, message: string): Error {
  return new Error(`${HOST_ERROR_MARK}${code}${HOST_ERROR_MARK}${message}`);
}

/** Runs `call`, rethrowing a TriggerboxError in the host error format so the isolate keeps its code. */
function forward<T>(call: () => T, rename?: [string, string]): T {
  try {
    return call();
  } catch (error) {
    if (!(error instanceof TriggerboxError)) throw error;
    const message = rename === undefined ? error.message : error.message.replaceAll(rename[0], rename[1]);
    throw hostError(error.code, message);
  }
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/**
 * Builds the host callbacks bound into the isolate of the trigger named `triggerName`. Session
 * calls pass their arguments on unchecked, because SessionTable validates them itself.
 */
export function createHostCallbacks(triggerName: string, services: HostServices): HostCallbacks {
  const session = services.session as unknown as Record<string, (...values: unknown[]) => unknown>;
  const table = services.session;

  return {
    sessionAdd: (key, value, options) => forward(() => session.add?.call(table, key, value, options)),
    sessionLookup: (key) => forward(() => session.lookup?.call(table, key)),
    sessionModify: (key, value, options) => forward(() => session.modify?.call(table, key, value, options)),
    sessionReplace: (key, value, options) => forward(() => session.replace?.call(table, key, value, options)),
    // Errors name the method the trigger called, not the one `update` forwards to.
    sessionUpdate: (key, value, options) =>
      forward(() => session.replace?.call(table, key, value, options), ['Session.replace', 'Session.update']),
    sessionRemove: (key) => forward(() => session.remove?.call(table, key)),
    sessionIncrement: (key, count) => forward(() => session.increment?.call(table, key, count)),
    sessionGetOptions: (key) => forward(() => session.getOptions?.call(table, key)),

    remote: (target, method, options) =>
      forward(() => services.remote.request(target, method, options as RemoteRequestOptions, { trigger: triggerName })),

    output: (kind, text) => {
      const message = truncateUtf8(String(text), SANDBOX_LIMITS.maxMessageBytes);
      const held = services.outputLimiter.admit(`${triggerName}\0${message}`, services.clock.nowMs());
      if (held === null) return;
      const repeats = held > 0 ? ` (${held} identical ${kind} ${held === 1 ? 'line' : 'lines'} not shown)` : '';
      services.writeOutput(`${triggerName}: ${message}${repeats}`);
    },

    hash: (algorithm, input) => {
      if (!HASH_ALGORITHMS.has(algorithm)) throw hostError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `${algorithm} is not a supported hash; use md5, sha1, sha256 or sha512.`);
      if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
        throw hostError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `${algorithm}: the input must be a string or a Uint8Array.`);
      }
      return createHash(algorithm).update(input).digest('hex');
    },

    uuid: () => randomUUID(),
    flowStoreGet: (flowId) => services.flowStores.get(flowId),
    flowStoreSet: (flowId, value) => services.flowStores.set(flowId, value),
    column: (batchId: number, name: BatchColumnName) => services.batches.get(batchId)?.column(name) ?? [],
  };
}
