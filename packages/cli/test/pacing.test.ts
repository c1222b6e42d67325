import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { runCli } from './support.js';

const CAPTURE = 'fixtures/dns-reputation-demo.pcap';
const COUNTING_TRIGGER = 'triggers/dns-reputation.js';

async function replayJson(extra: string[]) {
  const startedMs = performance.now();
  const result = await runCli(['replay', CAPTURE, '--triggers', COUNTING_TRIGGER, '--json', '--log-level', 'error', ...extra], { timeoutMs: 60_000 });
  assert.equal(result.code, 0, result.stderr);
  return { report: JSON.parse(result.stdout), elapsedMs: performance.now() - startedMs, stderr: result.stderr };
}

test('pacing: speed factor keeps capture time', async () => {
  const fast = await replayJson(['--speed', 'max']);
  const paced = await replayJson(['--speed', '300']);

  // The capture spans about six minutes, so 300 times the recorded pace takes at least 1.1 s.
  const spanMs = paced.report.capture.lastTimestampMs - paced.report.capture.firstTimestampMs;
  assert.ok(spanMs > 300_000, `capture span ${spanMs} ms`);
  assert.ok(paced.elapsedMs >= spanMs / 300, `paced replay took ${paced.elapsedMs} ms for ${spanMs / 300} ms of paced time`);

  // Timers and expiry follow capture time whatever the pace.
  assert.deepEqual(paced.report.events, fast.report.events);
  assert.deepEqual(paced.report.metrics, fast.report.metrics);
});

test('cycles: one TIMER_30SEC per boundary crossed', async () => {
  const { report } = await replayJson([]);
  const first = report.capture.firstTimestampMs;
  const last = report.capture.lastTimestampMs;
  const boundaries = Math.floor(last / 30_000) - Math.floor(first / 30_000);
  assert.equal(report.events.TIMER_30SEC, boundaries);
});

test('progress: nothing drawn without a terminal', async () => {
  const { stderr } = await replayJson([]);
  assert.doesNotMatch(stderr, /replaying:/);
});
