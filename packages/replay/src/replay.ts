import type { Readable, Writable } from 'node:stream';
import { silentLogger, type Logger, type TriggerEvent } from '@triggerbox/core';
import type { RecordCursor } from './capture-cursor.js';
import { replayError } from './errors.js';
import type { FaultKind } from './faults.js';
import { openByteInput, type ByteInput } from './input-source.js';
import { JsonlCursor, looksLikeJsonLines, writeEventsJsonl } from './jsonl.js';
import { PacketDecoder } from './packet-decoder.js';
import { RequestPairing } from './pairing.js';
import { isPcap, PcapCursor } from './pcap-cursor.js';
import { isPcapng, PcapngCursor } from './pcapng-cursor.js';

/** Defaults of `ReplayOptions`. */
export const REPLAY_DEFAULTS = {
  pairingTimeoutMs: 5000,
  batchSize: 1024,
} as const;

/** Log lines per fault kind before further ones of that kind are only counted. */
const LOGGED_FAULTS_PER_KIND = 10;

export interface ReplayOptions {
  /** Capture paths (pcap, pcapng, JSON lines, each optionally gzipped); "-" is standard input. */
  files: string[];
  /** A request unanswered this long in capture time becomes a timeout (default 5000). */
  pairingTimeoutMs?: number;
  /** Events per yielded batch at most (default 1024). */
  batchSize?: number;
  logger?: Logger;
  /** Stream read for "-" (default `process.stdin`). */
  stdin?: Readable;
}

export interface ReplaySummary {
  /** Inputs opened. */
  files: number;
  /** Capture records read (every frame, DNS or not). */
  packets: number;
  /** DNS messages decoded into events, plus JSON-lines events read; dropped ones are in `malformed`. */
  dnsMessages: number;
  /** DNS messages found but dropped for a fault, not counted in `dnsMessages`. */
  malformed: number;
  /** Items dropped per fault kind (see FAULT_KINDS for what each kind counts). */
  faults: Record<string, number>;
  requests: number;
  responses: number;
  paired: number;
  unpairedResponses: number;
  duplicateResponses: number;
  timeouts: number;
  /** Earliest and latest record time seen, ms since the epoch; null before any record. */
  firstTimestampMs: number | null;
  lastTimestampMs: number | null;
  /** Bytes read so far from capture files (compressed size for gzip), for progress displays. */
  bytesRead: number;
}

/** A replay in progress: iterate it once for event batches, read `summary()` at any time. */
export interface ReplaySession extends AsyncIterable<TriggerEvent[]> {
  summary(): ReplaySummary;
}

/**
 * Replays captures as DNS_REQUEST and DNS_RESPONSE events, all inputs merged in capture-time
 * order (records of one input keep their file order), in batches of at most `batchSize`.
 * Broken input is counted in the summary and skipped. An input that cannot be opened or
 * recognized throws before any event is yielded, and a failed read throws when it happens.
 */
export function replayCaptures(options: ReplayOptions): ReplaySession {
  const parsed = parseOptions(options);
  return new CaptureReplay(parsed);
}

/**
 * Replays `options.files` and writes every event as a JSON line to `output` (which stays open).
 * Returns the replay summary.
 */
export async function exportCaptureToJsonl(options: ReplayOptions, output: Writable): Promise<ReplaySummary> {
  const session = replayCaptures(options);
  await writeEventsJsonl(session, output);
  return session.summary();
}

interface ParsedOptions {
  files: string[];
  pairingTimeoutMs: number;
  batchSize: number;
  logger: Logger;
  stdin: Readable | undefined;
}

function parseOptions(options: ReplayOptions): ParsedOptions {
  const files = options.files;
  if (!Array.isArray(files) || files.length === 0) throw replayError('TB_ERR_REPLAY_NO_INPUT', 'No capture file given: pass at least one path in "files", or "-" for standard input.');
  for (const file of files) {
    if (typeof file !== 'string' || file === '') throw replayError('TB_ERR_REPLAY_INVALID_OPTION', `Every entry of "files" must be a non-empty path, got ${JSON.stringify(file)}.`);
  }
  if (files.filter((file) => file === '-').length > 1) throw replayError('TB_ERR_REPLAY_STDIN_TWICE', `Standard input ("-") appears ${files.filter((file) => file === '-').length} times in "files"; give it once.`);

  const pairingTimeoutMs = options.pairingTimeoutMs ?? REPLAY_DEFAULTS.pairingTimeoutMs;
  if (typeof pairingTimeoutMs !== 'number' || !Number.isFinite(pairingTimeoutMs) || pairingTimeoutMs < 0) {
    throw replayError('TB_ERR_REPLAY_INVALID_OPTION', `"pairingTimeoutMs" must be a finite number of milliseconds, 0 or more, got ${String(pairingTimeoutMs)}.`);
  }
  const batchSize = options.batchSize ?? REPLAY_DEFAULTS.batchSize;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw replayError('TB_ERR_REPLAY_INVALID_OPTION', `"batchSize" must be a positive integer, got ${String(batchSize)}.`);

  return { files: [...files], pairingTimeoutMs, batchSize, logger: options.logger ?? silentLogger, stdin: options.stdin };
}

class CaptureReplay implements ReplaySession {
  readonly #options: ParsedOptions;
  readonly #pairing: RequestPairing;
  readonly #decoder: PacketDecoder;
  readonly #faults: Record<string, number> = {};
  readonly #loggedFaults = new Map<string, number>();
  #files = 0;
  #packets = 0;
  #jsonlEvents = 0;
  #jsonlRequests = 0;
  #jsonlResponses = 0;
  #jsonlPaired = 0;
  #firstTimestampMs: number | null = null;
  #lastTimestampMs: number | null = null;
  #started = false;
  readonly #inputs: ByteInput[] = [];

  constructor(options: ParsedOptions) {
    this.#options = options;
    this.#pairing = new RequestPairing(options.pairingTimeoutMs);
    this.#decoder = new PacketDecoder(this.#pairing, (fault) => this.#countFault(fault), options.logger);
  }

  [Symbol.asyncIterator](): AsyncIterator<TriggerEvent[]> {
    if (this.#started) throw replayError('TB_ERR_REPLAY_SESSION_REUSED', 'This replay session was already iterated; call replayCaptures again to replay the files again.');
    this.#started = true;
    return this.#run();
  }

  summary(): ReplaySummary {
    const counts = this.#pairing.counts;
    return {
      files: this.#files,
      packets: this.#packets,
      dnsMessages: this.#decoder.dnsMessages - this.#decoder.malformed + this.#jsonlEvents,
      malformed: this.#decoder.malformed,
      faults: { ...this.#faults },
      requests: counts.requests + this.#jsonlRequests,
      responses: counts.responses + this.#jsonlResponses,
      paired: counts.paired + this.#jsonlPaired,
      unpairedResponses: counts.unpairedResponses + this.#jsonlResponses - this.#jsonlPaired,
      duplicateResponses: counts.duplicateResponses,
      timeouts: counts.timeouts,
      firstTimestampMs: this.#firstTimestampMs,
      lastTimestampMs: this.#lastTimestampMs,
      bytesRead: this.#inputs.reduce((sum, input) => sum + input.fileBytesRead, 0),
    };
  }

  async *#run(): AsyncGenerator<TriggerEvent[]> {
    const logger = this.#options.logger;
    const cursors = await this.#openAll();
    const decoder = this.#decoder;
    const batchSize = this.#options.batchSize;
    try {
      const active: RecordCursor[] = [];
      for (const cursor of cursors) {
        if (await step(cursor)) active.push(cursor);
        else cursor.finish();
      }

      while (active.length > 0) {
        const index = active.length === 1 ? 0 : earliest(active);
        const cursor = active[index]!;
        this.#take(cursor);

        if (!cursor.advance() && !(await step(cursor))) {
          cursor.finish();
          active.splice(index, 1);
        }
        if (decoder.events.length >= batchSize) yield* this.#flush(batchSize);
      }

      decoder.finish();
      yield* this.#flush(batchSize);
      logger.debug('replay finished', { ...this.summary(), faults: JSON.stringify(this.#faults) });
    } finally {
      for (const cursor of cursors) cursor.input.close();
    }
  }

  #take(cursor: RecordCursor): void {
    const timestampMs = cursor.timestampMs;
    if (this.#firstTimestampMs === null || timestampMs < this.#firstTimestampMs) this.#firstTimestampMs = timestampMs;
    if (this.#lastTimestampMs === null || timestampMs > this.#lastTimestampMs) this.#lastTimestampMs = timestampMs;

    if (cursor.kind === 'packet') {
      this.#packets++;
      this.#decoder.decodePacket(cursor.packet);
      return;
    }

    const event = cursor.event!;
    this.#jsonlEvents++;
    if (event.name === 'DNS_REQUEST') {
      this.#jsonlRequests++;
    } else {
      this.#jsonlResponses++;
      if (Number.isFinite(event.dns?.response?.processingTime)) this.#jsonlPaired++;
    }
    this.#decoder.events.push(event);
  }

  *#flush(batchSize: number): Generator<TriggerEvent[]> {
    const events = this.#decoder.events;
    if (events.length === 0) return;
    this.#decoder.events = [];
    if (events.length <= batchSize) {
      yield events;
      return;
    }
    for (let start = 0; start < events.length; start += batchSize) yield events.slice(start, start + batchSize);
  }

  async #openAll(): Promise<RecordCursor[]> {
    const cursors: RecordCursor[] = [];
    try {
      for (const file of this.#options.files) {
        const input = await openByteInput(file, this.#options.stdin ?? process.stdin);
        this.#inputs.push(input);
        this.#files++;
        const cursor = await this.#cursorFor(input);
        if (cursor !== null) cursors.push(cursor);
        else input.close();
      }
    } catch (error) {
      for (const cursor of cursors) cursor.input.close();
      throw error;
    }
    return cursors;
  }

  async #cursorFor(input: ByteInput): Promise<RecordCursor | null> {
    await input.ensure(4);
    const head = input.bytes.subarray(input.position);
    const reportFault = (fault: FaultKind, detail: string): void => this.#countFault(fault, detail);
    if (isPcap(head)) return new PcapCursor(input, reportFault);
    if (isPcapng(head)) return new PcapngCursor(input, reportFault);
    if (looksLikeJsonLines(head)) return new JsonlCursor(input, reportFault);
    if (head.length === 0 && input.endFault !== null) {
      reportFault(input.endFault, `${input.name}: ${input.endError?.message ?? 'read failed'}`);
      return null;
    }
    if (head.length === 0) {
      this.#options.logger.warn('capture input is empty', { input: input.name });
      return null;
    }

    input.close();
    const preview = head.subarray(0, 8).toString('hex');
    throw replayError(
      'TB_ERR_REPLAY_UNKNOWN_FORMAT',
      `Input "${input.name}" is not pcap, pcapng, gzip or JSON lines (it starts with bytes ${preview}). Convert it with "editcap -F pcap", or pass a JSON-lines event file.`,
    );
  }

  #countFault(fault: FaultKind, detail?: string): void {
    this.#faults[fault] = (this.#faults[fault] ?? 0) + 1;
    if (detail === undefined) return;
    const logged = this.#loggedFaults.get(fault) ?? 0;
    if (logged >= LOGGED_FAULTS_PER_KIND) return;
    this.#loggedFaults.set(fault, logged + 1);
    const suffix = logged + 1 === LOGGED_FAULTS_PER_KIND ? ' (further faults of this kind are only counted)' : '';
    this.#options.logger.warn(`skipped broken input: ${fault}${suffix}`, { detail });
  }
}

/** Moves `cursor` to its next record, reading more input as needed; false at the end. */
async function step(cursor: RecordCursor): Promise<boolean> {
  for (;;) {
    if (cursor.advance()) return true;
    if (!(await cursor.refill())) return cursor.advance();
  }
}

function earliest(cursors: RecordCursor[]): number {
  let best = 0;
  for (let i = 1; i < cursors.length; i++) {
    if (cursors[i]!.timestampMs < cursors[best]!.timestampMs) best = i;
  }
  return best;
}
