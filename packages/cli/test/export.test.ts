import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support.js';

test('export: JSON lines replay like capture', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'triggerbox-export-'));
  const output = join(folder, 'demo.jsonl');
  const exported = await runCli(['export', 'fixtures/dns-reputation-demo.pcap', '-o', output]);
  assert.equal(exported.code, 0, exported.stderr);
  const lines = readFileSync(output, 'utf8').trim().split('\n');
  // The demo capture holds 240 queries, each answered once.
  assert.equal(lines.length, 480);

  const fromCapture = await runCli(['replay', 'fixtures/dns-reputation-demo.pcap', '--triggers', 'triggers/dns-reputation.js', '--json', '--quiet', '--log-level', 'error']);
  const fromJsonl = await runCli(['replay', output, '--triggers', 'triggers/dns-reputation.js', '--json', '--quiet', '--log-level', 'error']);
  assert.equal(fromCapture.code, 0, fromCapture.stderr);
  assert.equal(fromJsonl.code, 0, fromJsonl.stderr);
  const capture = JSON.parse(fromCapture.stdout);
  const jsonl = JSON.parse(fromJsonl.stdout);
  assert.deepEqual(jsonl.events, capture.events);
  assert.deepEqual(jsonl.metrics, capture.metrics);
});
