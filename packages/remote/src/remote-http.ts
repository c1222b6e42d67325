import { Pool, type Dispatcher } from 'undici';
import { silentLogger, type Clock, type Logger, type RemoteResponseData } from '@triggerbox/core';
import { remoteError } from './errors.js';
import {
  REMOTE_LIMITS,
  parseRequest,
  parseTarget,
  type ParsedRequest,
  type ParsedTarget,
  type RemoteRequestOptions,
  type RemoteTarget,
} from './validate.js';

export interface RemoteHttpOptions {
  targets: Record<string, RemoteTarget>;
  /** Requests waiting or in flight before `request` returns false; 1024 by default. */
  maxQueued?: number;
  logger?: Logger;
  /** Clock for rate-limiting repeated log lines. */
  clock: Clock;
}

/** Counters since the client was created. */
export interface RemoteStats {
  /** Requests accepted by `request`. */
  queued: number;
  /** Requests handed to the HTTP client. */
  sent: number;
  /** Requests that received a complete response, whatever its status code. */
  succeeded: number;
  /** Requests that ended with a connection error, an oversized body or `close()`. */
  failed: number;
  /** Requests without a complete response within the target's `timeoutMs`. */
  timedOut: number;
  rejectedQueueFull: number;
  unknownTarget: number;
}

/** A completed request that asked for a response event. */
export interface SettledResponse {
  /** Name of the trigger that made the request, or "" when the caller gave none. */
  trigger: string;
  response: RemoteResponseData;
}

interface QueuedRequest {
  sequence: number;
  target: ParsedTarget;
  request: ParsedRequest;
  trigger: string;
  abort: AbortController;
  /** Set when the request is aborted, so the outcome is counted under the right name. */
  abortReason: 'timeout' | 'closed' | null;
}

interface TargetState {
  target: ParsedTarget;
  pool: Pool;
  waiting: QueuedRequest[];
  inFlight: number;
}

/**
 * Sends Remote.HTTP requests of triggers with undici, one connection pool per target.
 * `request` is synchronous and only queues; `settle` waits until the queue is empty.
 */
export class RemoteHttp {
  readonly #targets = new Map<string, TargetState>();
  readonly #maxQueued: number;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #stats: RemoteStats = {
    queued: 0,
    sent: 0,
    succeeded: 0,
    failed: 0,
    timedOut: 0,
    rejectedQueueFull: 0,
    unknownTarget: 0,
  };
  /** Clock time at which each rate-limited log key was last written, and how many were dropped since. */
  readonly #lastLog = new Map<string, { atMs: number; suppressed: number }>();
  #pending = 0;
  #sequence = 0;
  #responses: Array<{ sequence: number; settled: SettledResponse }> = [];
  #idleWaiters: Array<() => void> = [];
  /** Completion promises and requests currently handed to undici, for `close()`. */
  readonly #inFlight = new Set<Promise<void>>();
  readonly #sending = new Set<QueuedRequest>();
  #closed = false;

  constructor(options: RemoteHttpOptions) {
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock;
    this.#maxQueued = options.maxQueued ?? REMOTE_LIMITS.defaultMaxQueued;
    if (!Number.isInteger(this.#maxQueued) || this.#maxQueued <= 0) {
      throw remoteError('TB_ERR_REMOTE_INVALID_OPTION', `RemoteHttp: maxQueued must be a positive integer, got ${String(options.maxQueued)}.`);
    }

    for (const [name, config] of Object.entries(options.targets)) {
      const target = parseTarget(name, config);
      const pool = new Pool(target.origin, { connections: REMOTE_LIMITS.maxInFlightPerTarget });
      this.#targets.set(name, { target, pool, waiting: [], inFlight: 0 });
    }
  }

  /**
   * Validates and queues one request. Returns true when queued, false when the target is unknown
   * or the queue is full. Throws TB_ERR_REMOTE_* for invalid arguments and after `close()`.
   */
  request(target: string, method: string, options: RemoteRequestOptions = {}, origin?: { trigger: string }): boolean {
    if (this.#closed) {
      throw remoteError('TB_ERR_REMOTE_CLOSED', `Remote.HTTP(${JSON.stringify(target)}): the remote client is closed; no more requests can be sent.`);
    }
    const request = parseRequest(target, method, options);

    const state = this.#targets.get(target);
    if (state === undefined) {
      this.#stats.unknownTarget++;
      const known = [...this.#targets.keys()].map((name) => `"${name}"`).join(', ') || 'none';
      this.#logLimited(`unknown:${target}`, 'warn', 'Remote.HTTP target is not configured; the request was dropped', {
        target,
        trigger: origin?.trigger,
        configured: known,
      });
      return false;
    }
    if (this.#pending >= this.#maxQueued) {
      this.#stats.rejectedQueueFull++;
      this.#logLimited('queue-full', 'warn', 'Remote.HTTP queue is full; the request was dropped', {
        target,
        maxQueued: this.#maxQueued,
      });
      return false;
    }

    this.#stats.queued++;
    this.#pending++;
    state.waiting.push({
      sequence: this.#sequence++,
      target: state.target,
      request,
      trigger: origin?.trigger ?? '',
      abort: new AbortController(),
      abortReason: null,
    });
    this.#pump(state);
    return true;
  }

  /** Requests queued and not yet completed. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Waits until every queued request has completed, failed or timed out, then returns the
   * responses that asked for a response event, in request order. Each response is returned once.
   */
  async settle(): Promise<SettledResponse[]> {
    while (this.#pending > 0) {
      await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    }
    const responses = this.#responses.sort((a, b) => a.sequence - b.sequence).map((entry) => entry.settled);
    this.#responses = [];
    return responses;
  }

  stats(): RemoteStats {
    return { ...this.#stats };
  }

  /**
   * Stops accepting requests, aborts the ones still waiting or in flight (counted as failed) and
   * closes the connections. Call `settle()` first to let queued requests finish.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;

    for (const state of this.#targets.values()) {
      for (const queued of state.waiting.splice(0)) this.#finish(queued, 'failed', new Error('the remote client was closed'));
    }
    this.#wakeIdleWaiters();

    // Aborting ends every in-flight request, which then counts itself as failed.
    for (const queued of this.#sending) {
      queued.abortReason = 'closed';
      queued.abort.abort();
    }
    await Promise.allSettled([...this.#inFlight]);
    await Promise.allSettled([...this.#targets.values()].map((state) => state.pool.destroy()));
  }

  #pump(state: TargetState): void {
    while (state.inFlight < REMOTE_LIMITS.maxInFlightPerTarget && state.waiting.length > 0) {
      const queued = state.waiting.shift() as QueuedRequest;
      state.inFlight++;
      this.#stats.sent++;
      const done = this.#send(state.pool, queued).finally(() => {
        state.inFlight--;
        this.#inFlight.delete(done);
        if (!this.#closed) this.#pump(state);
      });
      this.#inFlight.add(done);
    }
  }

  async #send(pool: Pool, queued: QueuedRequest): Promise<void> {
    const { target, request } = queued;
    const timer = setTimeout(() => {
      queued.abortReason = 'timeout';
      queued.abort.abort();
    }, target.timeoutMs);
    this.#sending.add(queued);

    try {
      const response = await pool.request({
        method: request.method as Dispatcher.HttpMethod,
        path: target.basePath + request.path,
        headers: { ...target.headers, ...request.headers },
        body: request.payload ?? null,
        signal: queued.abort.signal,
      });
      const body = await readBody(response.body);
      this.#finish(queued, 'succeeded');
      if (request.enableResponseEvent) {
        this.#responses.push({
          sequence: queued.sequence,
          settled: {
            trigger: queued.trigger,
            response: {
              statusCode: response.statusCode,
              headers: flattenHeaders(response.headers),
              body,
              context: request.context,
            },
          },
        });
      }
    } catch (error) {
      if (queued.abortReason === 'timeout') this.#finish(queued, 'timedOut', new Error(`no complete response within ${target.timeoutMs} ms`));
      else if (queued.abortReason === 'closed') this.#finish(queued, 'failed', new Error('the remote client was closed'));
      else this.#finish(queued, 'failed', error);
    } finally {
      clearTimeout(timer);
      this.#sending.delete(queued);
      this.#wakeIdleWaiters();
    }
  }

  #finish(queued: QueuedRequest, outcome: 'succeeded' | 'failed' | 'timedOut', error?: unknown): void {
    this.#stats[outcome]++;
    this.#pending--;
    if (error === undefined) return;
    this.#logLimited(`failed:${queued.target.name}`, 'warn', 'Remote.HTTP request failed', {
      target: queued.target.name,
      method: queued.request.method,
      path: queued.request.path,
      trigger: queued.trigger || undefined,
      error: error instanceof Error ? error.message : String(error),
    });
  }

  #wakeIdleWaiters(): void {
    if (this.#pending > 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Writes a log line at most once per 30 s of clock time per key, with the count of dropped repeats. */
  #logLimited(key: string, level: 'warn' | 'error', message: string, fields: Record<string, unknown>): void {
    const nowMs = this.#clock.nowMs();
    const last = this.#lastLog.get(key);
    if (last !== undefined && nowMs - last.atMs < REMOTE_LIMITS.logIntervalMs) {
      last.suppressed++;
      return;
    }
    const suppressed = last?.suppressed ?? 0;
    this.#lastLog.set(key, { atMs: nowMs, suppressed: 0 });
    this.#logger[level](message, suppressed > 0 ? { ...fields, repeatsNotShown: suppressed } : fields);
  }
}

async function readBody(body: AsyncIterable<Buffer> & { destroy(error?: Error): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let totalBytes = 0;
  for await (const chunk of body) {
    totalBytes += chunk.length;
    if (totalBytes > REMOTE_LIMITS.maxResponseBodyBytes) {
      const error = new Error(`response body exceeds ${REMOTE_LIMITS.maxResponseBodyBytes} bytes`);
      body.destroy(error);
      throw error;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
