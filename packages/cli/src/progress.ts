import { performance } from 'node:perf_hooks';

const REDRAW_INTERVAL_MS = 200;

export interface ProgressSnapshot {
  messages: number;
  /** Input bytes consumed so far and in total, when the reader reports them. */
  bytesRead?: number;
  totalBytes?: number;
}

/**
 * A one-line progress display on a terminal: messages, rate and an estimate of the time left.
 * It draws nothing when the stream is not a terminal.
 */
export class ProgressLine {
  readonly #stream: NodeJS.WriteStream;
  readonly #enabled: boolean;
  readonly #startMs = performance.now();
  #lastDrawMs = 0;
  #drawn = false;

  constructor(stream: NodeJS.WriteStream, enabled: boolean) {
    this.#stream = stream;
    this.#enabled = enabled && stream.isTTY === true;
  }

  update(snapshot: ProgressSnapshot): void {
    if (!this.#enabled) return;
    const nowMs = performance.now();
    if (nowMs - this.#lastDrawMs < REDRAW_INTERVAL_MS) return;
    this.#lastDrawMs = nowMs;
    this.#stream.write(`\r\x1b[K${formatProgress(snapshot, (nowMs - this.#startMs) / 1000)}`);
    this.#drawn = true;
  }

  /** Erases the line so that later output starts on a clean line. */
  finish(): void {
    if (this.#drawn) this.#stream.write('\r\x1b[K');
    this.#drawn = false;
  }
}

export function formatProgress(snapshot: ProgressSnapshot, elapsedSeconds: number): string {
  const rate = elapsedSeconds > 0 ? Math.round(snapshot.messages / elapsedSeconds) : 0;
  let line = `replaying: ${snapshot.messages.toLocaleString('en-US')} DNS messages, ${rate.toLocaleString('en-US')}/s`;
  const { bytesRead, totalBytes } = snapshot;
  if (bytesRead !== undefined && totalBytes !== undefined && totalBytes > 0 && bytesRead > 0) {
    const fraction = Math.min(1, bytesRead / totalBytes);
    const leftSeconds = elapsedSeconds * (1 / fraction - 1);
    line += `, ${Math.floor(fraction * 100)}%, about ${Math.ceil(leftSeconds)} s left`;
  }
  return line;
}
