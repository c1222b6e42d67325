import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, run } from './support.js';

interface MetricEntry {
  source: string;
  object: string;
  metric: string;
  type: string;
  detail: string | null;
  value: unknown;
}

/** Domains of the demo traffic whose reputation is above 75, as `domain:score` detail keys. */
async function expectedBadDetails(): Promise<Set<string>> {
  const traffic = await import(pathToFileURL(resolve(repoRoot, 'scripts/demo-traffic.mjs')).href);
  const table = JSON.parse(readFileSync(resolve(repoRoot, 'fixtures/reputation.json'), 'utf8'));
  const details = new Set<string>();
  for (const { name } of traffic.NAMES as { name: string }[]) {
    const domain = name.toLowerCase().split('.').slice(-2).join('.');
    const score = table.scores[domain] ?? table.unknownScore;
    if (score > 75 && !name.endsWith('in-addr.arpa') && !name.endsWith('local')) details.add(`${domain}:${score}`);
  }
  return details;
}

async function runDemoJson() {
  const result = await run(process.execPath, ['scripts/demo.mjs', '--json'], { timeoutMs: 120_000 });
  assert.equal(result.code, 0, `demo exit status; stderr:\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

test('demo: bad domains reported, runs identical', async () => {
  const first = await runDemoJson();
  const second = await runDemoJson();
  assert.deepEqual(second.metrics, first.metrics, 'two runs print the same metrics');

  const bad = (first.metrics as MetricEntry[]).filter(
    (entry) => entry.object === 'DNSReputation' && entry.metric === 'Bad DNS reputation',
  );
  const expected = await expectedBadDetails();
  assert.equal(expected.size, 6, 'the demo traffic names six bad domains');
  assert.deepEqual(new Set(bad.map((entry) => entry.detail)), expected);
  for (const entry of bad) {
    assert.equal(entry.source, 'application');
    assert.equal(entry.type, 'count');
    assert.equal(typeof entry.value, 'number', `${entry.detail} has a numeric count`);
    assert.ok((entry.value as number) > 0, `${entry.detail} counted`);
  }

  assert.ok(first.events.SESSION_EXPIRE > 0, 'the feed keys expired during the six minutes of capture time');
  assert.ok(first.remote.sent > 0, 'the trigger posted to the feed');
  assert.equal(first.remote.failed, 0, 'no post to the feed failed');
  const trigger = first.triggers.find((entry: { name: string }) => entry.name === 'DNSReputation');
  assert.equal(trigger.errors, 0, 'the trigger raised no error');
});

test('demo: feed answer seen on next event', async () => {
  // After a miss, the trigger posts the domain and the feed stores its score before the next event
  // runs, so each domain is posted at most once per expiry period. The 120 s expiry rounds up to a
  // 30 s boundary, so a key lives between 120 and 150 s of capture time and a six-minute capture
  // needs at most four posts per domain.
  const report = await runDemoJson();
  const traffic = await import(pathToFileURL(resolve(repoRoot, 'scripts/demo-traffic.mjs')).href);
  const domains = new Set(
    (traffic.NAMES as { name: string }[])
      .filter(({ name }) => !name.endsWith('in-addr.arpa') && !name.endsWith('local'))
      .map(({ name }) => name.toLowerCase().split('.').slice(-2).join('.')),
  );
  assert.ok(report.remote.sent >= domains.size, `every domain posted at least once (${report.remote.sent} posts)`);
  assert.ok(report.remote.sent <= domains.size * 4, `at most four posts per domain, got ${report.remote.sent} for ${domains.size} domains`);
});

test('demo: table output names the metric', async () => {
  const result = await run(process.execPath, ['scripts/demo.mjs'], { timeoutMs: 120_000 });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Bad DNS reputation/);
  assert.match(result.stdout, /exfil-cdn\.net:97/);
});
