import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TestContext } from 'node:test';

/** Repository root, from packages/cli/dist/test. */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const cliPath = resolve(repoRoot, 'packages/cli/bin/triggerbox.js');
export const sharedDir = resolve(repoRoot, '..', 'shared');

/**
 * The shared capture folder, or null after marking the test skipped. Under CI the folder must be
 * there, so its absence fails the test instead.
 */
export function sharedCaptures(t: TestContext): string | null {
  const dir = resolve(sharedDir, 'data', 'pcap');
  if (existsSync(dir)) return dir;
  if (process.env.CI === 'true') throw new Error(`Missing ${dir}: CI must run with the shared folder beside the repository.`);
  t.skip(`missing ${dir}; put the shared folder beside the repository to run this test`);
  return null;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion and collects its output; it is killed after `timeoutMs`. */
export function run(command: string, args: string[], options: { timeoutMs?: number; input?: Buffer } = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(options.input);
  });
}

/** Runs the `triggerbox` command. */
export function runCli(args: string[], options: { timeoutMs?: number; input?: Buffer } = {}): Promise<RunResult> {
  return run(process.execPath, [cliPath, ...args], options);
}

interface FeedProcessModule {
  freePort(): Promise<number>;
  startFeed(memcachedAddress: string): Promise<{ url: string; stop: () => void }>;
}

const feedProcess = (await import(pathToFileURL(resolve(repoRoot, 'scripts/feed-process.mjs')).href)) as FeedProcessModule;

/** The launcher the demo uses: a free loopback port, and the reputation feed as a child process. */
export const { freePort, startFeed } = feedProcess;
