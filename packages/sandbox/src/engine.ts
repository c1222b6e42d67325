import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { silentLogger, type Clock, type EventName, type Logger, type RemoteResponseData, type TriggerEvent } from '@triggerbox/core';
import type { RemoteHttp } from '@triggerbox/remote';
import { EventBatch, eventCode } from './batch.js';
import { loadErrorInfo, plainErrorInfo, scriptErrorInfo, type TriggerErrorInfo } from './error-info.js';
import { sandboxError } from './errors.js';
import { FlowStores } from './flow-stores.js';
import { createHostCallbacks, type HostServices } from './host-bindings.js';
import type { ErrorReport, SystemInfo } from './isolate-contract.js';
import { SANDBOX_LIMITS } from './limits.js';
import { expandPaths, readTriggerFile } from './loader.js';
import { recordMetrics } from './metric-records.js';
import { RepeatLimiter } from './repeat-limiter.js';
import { loadRuntimeSources } from './runtime-code.js';
import { TriggerIsolate, type IsolateSettings, type RunOutcome } from './trigger-isolate.js';
import type { TriggerSource } from './trigger-source.js';
import type { MetricRecorder, TriggerEngine, TriggerEngineOptions, TriggerInfo } from './types.js';

const REMOTE_RESPONSE_CODE = eventCode('REMOTE_RESPONSE');

interface LoadedTrigger {
  source: TriggerSource;
  /** Null after the isolate was lost, until the next run rebuilds it. */
  instance: TriggerIsolate | null;
  subscribed: Set<number>;
  runs: number;
  errors: number;
  lastError?: TriggerErrorInfo;
  /** Set by unload; a run in progress stops at its next step. */
  removed: boolean;
  /** Runs in progress, nested when REMOTE_RESPONSE events run inside a batch. */
  activeRuns: number;
}

function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return manifest.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Creates a trigger engine; it checks the options and that the isolate runtime is built. */
export async function createTriggerEngine(options: TriggerEngineOptions): Promise<TriggerEngine> {
  loadRuntimeSources();
  return new Engine(options);
}

class Engine implements TriggerEngine {
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #metrics: MetricRecorder;
  readonly #remote: RemoteHttp;
  readonly #settings: IsolateSettings;
  readonly #services: HostServices;
  readonly #batches = new Map<number, EventBatch>();
  readonly #errorLimiter = new RepeatLimiter(SANDBOX_LIMITS.repeatIntervalMs);
  #triggers: LoadedTrigger[] = [];
  #nextBatchId = 1;
  #closed = false;
  /** Tail of the queue that runs load, reload, fire and close one at a time. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: TriggerEngineOptions) {
    const memoryLimitMb = options.memoryLimitMb ?? SANDBOX_LIMITS.defaultMemoryLimitMb;
    const timeoutMs = options.timeoutMs ?? SANDBOX_LIMITS.defaultTimeoutMs;
    if (!Number.isInteger(memoryLimitMb) || memoryLimitMb < SANDBOX_LIMITS.minMemoryLimitMb) {
      throw sandboxError('TB_ERR_SANDBOX_INVALID_OPTION', `memoryLimitMb must be an integer of at least ${SANDBOX_LIMITS.minMemoryLimitMb}, got ${String(options.memoryLimitMb)}.`);
    }
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw sandboxError('TB_ERR_SANDBOX_INVALID_OPTION', `timeoutMs must be a positive integer of milliseconds, got ${String(options.timeoutMs)}.`);
    }

    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock;
    this.#metrics = options.metrics;
    this.#remote = options.remote;
    const system: SystemInfo = {
      uuid: options.system?.uuid ?? randomUUID(),
      ipaddr: options.system?.ipaddr ?? '127.0.0.1',
      hostname: options.system?.hostname ?? hostname(),
      version: options.system?.version ?? packageVersion(),
    };
    this.#settings = { memoryLimitMb, timeoutMs, sliceMs: Math.min(SANDBOX_LIMITS.maxSliceMs, timeoutMs), system };
    const logger = this.#logger;
    this.#services = {
      session: options.session,
      remote: options.remote,
      clock: options.clock,
      flowStores: new FlowStores(),
      batches: this.#batches,
      writeOutput: options.debugOutput ?? ((line) => logger.info(line)),
      outputLimiter: new RepeatLimiter(SANDBOX_LIMITS.repeatIntervalMs),
    };
  }

  load(paths: string[]): Promise<TriggerInfo[]> {
    return this.#exclusive(async () => {
      const failures: Error[] = [];
      const sources: TriggerSource[] = [];
      let files: string[] = [];
      try {
        files = await expandPaths(paths);
      } catch (error) {
        failures.push(error as Error);
      }
      for (const file of files) {
        if (this.#triggers.some((trigger) => trigger.source.file === file)) {
          failures.push(sandboxError('TB_ERR_SANDBOX_ALREADY_LOADED', `${file} is loaded already; call reload() to load its new contents.`));
          continue;
        }
        try {
          sources.push(...(await readTriggerFile(file)));
        } catch (error) {
          failures.push(error as Error);
        }
      }
      failures.push(...this.#duplicateNames(sources, []));

      // Build even after a failure, so that one error message lists every broken file.
      const loaded = await this.#build(sources, failures);
      if (failures.length > 0) {
        for (const trigger of loaded) trigger.instance?.dispose();
        throw combineFailures(failures);
      }
      this.#triggers.push(...loaded);
      for (const trigger of loaded) this.#logger.info('trigger loaded', { trigger: trigger.source.name, file: trigger.source.origin });
      return loaded.map((trigger) => this.#info(trigger));
    });
  }

  reload(file: string): Promise<TriggerInfo> {
    return this.#exclusive(async () => {
      const absolute = resolve(file);
      const previous = this.#triggers.filter((trigger) => trigger.source.file === absolute);
      const failures: Error[] = [];
      let sources: TriggerSource[] = [];
      try {
        sources = await readTriggerFile(absolute);
      } catch (error) {
        failures.push(error as Error);
      }
      if (failures.length === 0 && sources.length === 0) {
        failures.push(sandboxError('TB_ERR_SANDBOX_INVALID_BUNDLE', `${absolute}: the bundle has no enabled trigger; unload it instead.`));
      }
      failures.push(...this.#duplicateNames(sources, previous));

      const loaded = await this.#build(sources, failures);
      if (failures.length > 0) {
        for (const trigger of loaded) trigger.instance?.dispose();
        const error = combineFailures(failures);
        for (const trigger of previous) trigger.lastError = loadErrorInfo(trigger.source, error, this.#clock.nowMs());
        this.#logger.error('trigger reload failed; the previous version keeps running', { file: absolute, error: error.message });
        throw error;
      }

      const position = previous.length > 0 ? this.#triggers.indexOf(previous[0] as LoadedTrigger) : this.#triggers.length;
      this.#remove(previous);
      this.#triggers.splice(position, 0, ...loaded);
      return this.#info(loaded[0] as LoadedTrigger);
    });
  }

  unload(file: string): void {
    const absolute = resolve(file);
    const removed = this.#triggers.filter((trigger) => trigger.source.file === absolute);
    this.#remove(removed);
  }

  triggers(): TriggerInfo[] {
    return this.#triggers.map((trigger) => this.#info(trigger));
  }

  fire(events: TriggerEvent[]): Promise<void> {
    return this.#exclusive(async () => {
      if (events.length === 0) return;
      const batch = this.#openBatch(events);
      try {
        for (const trigger of [...this.#triggers]) {
          if (!trigger.removed && batch.hasAny(trigger.subscribed)) await this.#runTrigger(trigger, batch, 0);
        }
      } finally {
        this.#batches.delete(batch.id);
      }
    });
  }

  close(): Promise<void> {
    return this.#exclusive(async () => {
      this.#remove([...this.#triggers]);
      this.#closed = true;
    });
  }

  /** Runs `work` after every earlier operation has finished; throws TB_ERR_SANDBOX_CLOSED after close. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      if (this.#closed) throw sandboxError('TB_ERR_SANDBOX_CLOSED', 'The trigger engine is closed; create a new one.');
      return work();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #duplicateNames(sources: TriggerSource[], replaced: LoadedTrigger[]): Error[] {
    const taken = new Map<string, string>();
    for (const trigger of this.#triggers) {
      if (!replaced.includes(trigger)) taken.set(trigger.source.name, trigger.source.origin);
    }
    const failures: Error[] = [];
    for (const source of sources) {
      const other = taken.get(source.name);
      if (other !== undefined) {
        failures.push(sandboxError('TB_ERR_SANDBOX_DUPLICATE_NAME', `${source.origin}: a trigger named "${source.name}" is loaded already from ${other}; rename one of them.`));
      }
      taken.set(source.name, source.origin);
    }
    return failures;
  }

  /** Builds an isolate for each source; adds errors to `failures` and returns the ones that built. */
  async #build(sources: TriggerSource[], failures: Error[]): Promise<LoadedTrigger[]> {
    const built: LoadedTrigger[] = [];
    for (const source of sources) {
      try {
        const instance = await this.#createInstance(source);
        built.push({
          source,
          instance,
          subscribed: new Set(source.events.map(eventCode)),
          runs: 0,
          errors: 0,
          removed: false,
          activeRuns: 0,
        });
      } catch (error) {
        failures.push(error as Error);
      }
    }
    return built;
  }

  #createInstance(source: TriggerSource): Promise<TriggerIsolate> {
    return TriggerIsolate.create(source, createHostCallbacks(source.name, this.#services), this.#settings);
  }

  #remove(triggers: LoadedTrigger[]): void {
    for (const trigger of triggers) {
      trigger.removed = true;
      if (trigger.activeRuns === 0) trigger.instance?.dispose();
      this.#logger.info('trigger unloaded', { trigger: trigger.source.name, file: trigger.source.origin });
    }
    this.#triggers = this.#triggers.filter((trigger) => !triggers.includes(trigger));
  }

  #openBatch(events: readonly TriggerEvent[]): EventBatch {
    const batch = new EventBatch(this.#nextBatchId++, events);
    this.#batches.set(batch.id, batch);
    return batch;
  }

  /**
   * Runs one trigger over its events of `batch`. The isolate loop stops after an event that
   * queued a Remote.HTTP request. The engine then settles the remote queue and fires the
   * REMOTE_RESPONSE events, and only then does the trigger continue with its next event.
   */
  async #runTrigger(trigger: LoadedTrigger, batch: EventBatch, depth: number): Promise<void> {
    trigger.activeRuns++;
    try {
      let index = 0;
      let faults = 0;
      while (index < batch.length && !trigger.removed) {
        const instance = await this.#ensureInstance(trigger);
        if (instance === null) return;

        const outcome = instance.run(batch, index);
        if (outcome.kind === 'completed') {
          this.#collect(trigger, batch, outcome.result.runs, outcome.result.metrics, outcome.result.errors);
          index = outcome.result.next;
          if (outcome.result.remoteQueued) await this.#settleRemote(trigger, depth);
          continue;
        }

        this.#reportFault(trigger, batch, outcome);
        // The stopped run may have queued requests before it hung; settle them as after any event.
        if (this.#remote.pending > 0) await this.#settleRemote(trigger, depth);
        index = outcome.index + 1;
        faults++;
        if (faults >= SANDBOX_LIMITS.maxFaultsPerBatch) {
          this.#skipRest(trigger, batch, index);
          return;
        }
      }
    } finally {
      trigger.activeRuns--;
      if (trigger.removed && trigger.activeRuns === 0) trigger.instance?.dispose();
    }
  }

  /** Returns the trigger's isolate, building a new one when it was lost; null when that fails. */
  async #ensureInstance(trigger: LoadedTrigger): Promise<TriggerIsolate | null> {
    if (trigger.instance !== null && !trigger.instance.disposed) return trigger.instance;
    trigger.instance = null;
    try {
      trigger.instance = await this.#createInstance(trigger.source);
      this.#logger.info('trigger isolate rebuilt', { trigger: trigger.source.name });
      return trigger.instance;
    } catch (error) {
      this.#recordError(trigger, loadErrorInfo(trigger.source, error, this.#clock.nowMs()));
      return null;
    }
  }

  #collect(trigger: LoadedTrigger, batch: EventBatch, runs: number, metrics: unknown[], errors: ErrorReport[]): void {
    trigger.runs += runs;
    const nowMs = this.#clock.nowMs();
    for (const report of errors) {
      this.#recordError(trigger, scriptErrorInfo(trigger.source, report, batch.events[report.index]?.name, nowMs));
    }
    for (const rejected of recordMetrics(this.#metrics, metrics)) {
      const message = rejected instanceof Error ? rejected.message : String(rejected);
      const code = (rejected as { code?: unknown }).code;
      this.#recordError(trigger, plainErrorInfo(trigger.source, typeof code === 'string' ? code : 'TB_ERR_SANDBOX_INVALID_ARGUMENT', message, undefined, nowMs));
    }
  }

  #reportFault(trigger: LoadedTrigger, batch: EventBatch, fault: Extract<RunOutcome, { kind: 'fault' }>): void {
    this.#collect(trigger, batch, fault.runs, fault.metrics, fault.errors);
    const event = batch.events[fault.index]?.name;
    const { timeoutMs, memoryLimitMb } = this.#settings;
    const text = {
      TB_ERR_SANDBOX_TIMEOUT: `the run on ${event} timed out after ${timeoutMs} ms and was stopped; look for an endless loop or raise timeoutMs.`,
      TB_ERR_SANDBOX_MEMORY_LIMIT: `the run on ${event} exceeded the isolate memory limit of ${memoryLimitMb} MB; the isolate is rebuilt for the next event.`,
      TB_ERR_SANDBOX_ISOLATE_FAILED: `the isolate failed during the run on ${event} (${fault.reason}); it is rebuilt when needed.`,
    }[fault.code];
    this.#recordError(trigger, plainErrorInfo(trigger.source, fault.code, text, event, this.#clock.nowMs()));
    if (fault.code !== 'TB_ERR_SANDBOX_TIMEOUT') {
      trigger.instance?.dispose();
      trigger.instance = null;
    }
  }

  #skipRest(trigger: LoadedTrigger, batch: EventBatch, from: number): void {
    let skipped = 0;
    for (let index = from; index < batch.length; index++) {
      if (trigger.subscribed.has(batch.names[index] as number)) skipped++;
    }
    if (skipped === 0) return;
    const message = `${SANDBOX_LIMITS.maxFaultsPerBatch} timeouts or memory faults in one batch; skipped its remaining ${skipped} events for this trigger.`;
    this.#recordError(trigger, plainErrorInfo(trigger.source, 'TB_ERR_SANDBOX_EVENTS_SKIPPED', message, undefined, this.#clock.nowMs()));
  }

  /** Waits for the remote queue and fires REMOTE_RESPONSE at the triggers that made the requests. */
  async #settleRemote(trigger: LoadedTrigger, depth: number): Promise<void> {
    if (depth >= SANDBOX_LIMITS.maxRemoteRounds) {
      const held = this.#errorLimiter.admit(`remote-rounds\0${trigger.source.name}`, this.#clock.nowMs());
      if (held !== null) {
        this.#logger.warn('REMOTE_RESPONSE chain too deep; responses wait for the next batch', {
          trigger: trigger.source.name,
          maxRemoteRounds: SANDBOX_LIMITS.maxRemoteRounds,
        });
      }
      return;
    }

    const byTrigger = new Map<string, RemoteResponseData[]>();
    for (const { trigger: name, response } of await this.#remote.settle()) {
      const responses = byTrigger.get(name) ?? [];
      responses.push(response);
      byTrigger.set(name, responses);
    }
    for (const [name, responses] of byTrigger) {
      const target = this.#triggers.find((candidate) => candidate.source.name === name && !candidate.removed);
      if (target === undefined || !target.subscribed.has(REMOTE_RESPONSE_CODE)) continue;
      const nowMs = this.#clock.nowMs();
      const batch = this.#openBatch(responses.map((response) => ({ name: 'REMOTE_RESPONSE' as EventName, timestampMs: nowMs, remoteResponse: response })));
      try {
        await this.#runTrigger(target, batch, depth + 1);
      } finally {
        this.#batches.delete(batch.id);
      }
    }
  }

  #recordError(trigger: LoadedTrigger, info: TriggerErrorInfo): void {
    trigger.errors++;
    trigger.lastError = info;
    const held = this.#errorLimiter.admit(`${trigger.source.name}\0${info.code}\0${info.message}`, info.timeMs);
    if (held === null) return;
    this.#logger.warn(info.message, {
      trigger: trigger.source.name,
      code: info.code,
      event: info.event,
      repeatsNotShown: held > 0 ? held : undefined,
    });
  }

  #info(trigger: LoadedTrigger): TriggerInfo {
    const { source } = trigger;
    return {
      name: source.name,
      file: source.file,
      events: [...source.events],
      debug: source.debug,
      runs: trigger.runs,
      errors: trigger.errors,
      ...(trigger.lastError === undefined ? {} : { lastError: { ...trigger.lastError } }),
    };
  }
}

/** Returns a single failure as it is, or TB_ERR_SANDBOX_LOAD_FAILED listing several. */
function combineFailures(failures: Error[]): Error {
  if (failures.length === 1) return failures[0] as Error;
  const lines = failures.map((failure) => `- ${failure.message}`).join('\n');
  return sandboxError('TB_ERR_SANDBOX_LOAD_FAILED', `${failures.length} trigger files failed to load, so none was loaded:\n${lines}`);
}
