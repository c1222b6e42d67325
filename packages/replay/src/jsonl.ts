import type { Writable } from 'node:stream';
import type { TriggerEvent } from '@triggerbox/core';
import { RecordCursor, type FaultSink } from './capture-cursor.js';
import type { ByteInput } from './input-source.js';
import { eventToJsonLine, parseEventJson } from './jsonl-events.js';

const NEWLINE = 0x0a;

/** One line of a JSON-lines input that is not a valid event. */
export interface InvalidJsonLine {
  /** 1-based line number. */
  line: number;
  reason: string;
}

/** Tells whether the first non-blank byte of `bytes` opens a JSON object. */
export function looksLikeJsonLines(bytes: Buffer): boolean {
  let start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (start < bytes.length && (bytes[start] === 0x20 || bytes[start] === 0x09 || bytes[start] === 0x0a || bytes[start] === 0x0d)) start++;
  return start < bytes.length && bytes[start] === 0x7b;
}

/** Parses one line; returns the event or the reason it is invalid. */
export function parseEventLine(line: string): TriggerEvent | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `invalid JSON: ${(error as Error).message}`;
  }
  return parseEventJson(value);
}

/**
 * Parses JSON-lines text (see docs/replay-events.md) into events. Blank lines are skipped;
 * invalid lines are listed with their reason and skipped.
 */
export function readEventsJsonl(text: string | Uint8Array): { events: TriggerEvent[]; invalidLines: InvalidJsonLine[] } {
  const source = typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8');
  const events: TriggerEvent[] = [];
  const invalidLines: InvalidJsonLine[] = [];
  const lines = source.replace(/^\ufeff/, '').split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const result = parseEventLine(line);
    if (typeof result === 'string') invalidLines.push({ line: index + 1, reason: result });
    else events.push(result);
  });
  return { events, invalidLines };
}

/**
 * Writes events as JSON lines to `output`, waiting for it to drain when its buffer is full.
 * Accepts single events or batches. Returns the number of lines written; does not end `output`.
 */
export async function writeEventsJsonl(
  events: Iterable<TriggerEvent | TriggerEvent[]> | AsyncIterable<TriggerEvent | TriggerEvent[]>,
  output: Writable,
): Promise<number> {
  let lines = 0;
  for await (const item of events) {
    const batch = Array.isArray(item) ? item : [item];
    if (batch.length === 0) continue;
    let text = '';
    for (const event of batch) text += eventToJsonLine(event) + '\n';
    lines += batch.length;
    if (!output.write(text)) await drained(output);
  }
  return lines;
}

function drained(output: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      output.off('drain', onDrain);
      output.off('error', onError);
      output.off('close', onDrain);
    };
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    output.on('drain', onDrain);
    output.on('error', onError);
    output.on('close', onDrain);
  });
}

/** Reads events line by line from a JSON-lines input. */
export class JsonlCursor extends RecordCursor {
  #lineNumber = 0;

  constructor(input: ByteInput, reportFault: FaultSink) {
    super('event', input, reportFault);
  }

  advance(): boolean {
    const input = this.input;
    for (;;) {
      if (input.available === 0) return false;
      const bytes = input.bytes;
      const start = input.position;
      let end = bytes.indexOf(NEWLINE, start);
      if (end < 0) {
        if (!input.ended) return false;
        end = bytes.length;
      }
      input.position = Math.min(end + 1, bytes.length);
      this.#lineNumber++;

      let line = bytes.toString('utf8', start, end);
      if (this.#lineNumber === 1) line = line.replace(/^\ufeff/, '');
      line = line.trim();
      if (line === '') continue;

      const result = parseEventLine(line);
      if (typeof result === 'string') {
        this.reportFault('jsonl-invalid-line', `${input.name}:${this.#lineNumber}: ${result}`);
        continue;
      }
      this.event = result;
      this.timestampMs = result.timestampMs;
      return true;
    }
  }

  protected override finishPartial(): void {
    // The last line needs no newline, so nothing is ever left over.
  }
}
