import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TriggerEvent } from '@triggerbox/core';
import { replayCaptures, type ReplayOptions, type ReplaySummary } from '../src/index.js';

/** Temporary folder for the capture files of one test file, removed by `cleanup`. */
export class TempFiles {
  readonly dir = mkdtempSync(join(tmpdir(), 'triggerbox-replay-test-'));
  #count = 0;

  write(bytes: Uint8Array | string, extension = 'pcap'): string {
    const path = join(this.dir, `capture-${++this.#count}.${extension}`);
    writeFileSync(path, bytes);
    return path;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface ReplayResult {
  events: TriggerEvent[];
  batches: number;
  summary: ReplaySummary;
}

/** Replays `files` to the end and collects every event. */
export async function replayAll(files: string[], options: Omit<ReplayOptions, 'files'> = {}): Promise<ReplayResult> {
  const session = replayCaptures({ ...options, files });
  const events: TriggerEvent[] = [];
  let batches = 0;
  for await (const batch of session) {
    batches++;
    events.push(...batch);
  }
  return { events, batches, summary: session.summary() };
}

/** Repository root, four levels above the compiled test file (packages/replay/dist/test). */
export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..', '..');

/**
 * Finds the shared capture folder beside the repository. Without it the tests fail on CI
 * (CI=true) and are skipped elsewhere with the returned reason.
 */
export function sharedCaptureDir(): { dir: string; skip: false } | { dir: string; skip: string } {
  const dir = resolve(repoRoot, '..', 'shared', 'data', 'pcap');
  if (existsSync(dir)) return { dir, skip: false };
  if (process.env['CI'] === 'true') throw new Error(`The shared capture folder ${dir} is missing; CI needs it for the capture tests.`);
  return { dir, skip: `shared capture folder ${dir} is missing` };
}

export function requests(events: TriggerEvent[]): TriggerEvent[] {
  return events.filter((event) => event.name === 'DNS_REQUEST');
}

export function responses(events: TriggerEvent[]): TriggerEvent[] {
  return events.filter((event) => event.name === 'DNS_RESPONSE');
}
