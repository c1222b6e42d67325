import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './support.js';

test('demo capture: committed file matches generator', async () => {
  const generator = await import(pathToFileURL(resolve(repoRoot, 'scripts/generate-demo-capture.mjs')).href);
  const generated: Buffer = generator.buildDemoCapture();
  const committed = readFileSync(resolve(repoRoot, 'fixtures/dns-reputation-demo.pcap'));
  assert.equal(generated.length, committed.length, 'size; run "node scripts/generate-demo-capture.mjs" after changing the traffic');
  assert.ok(generated.equals(committed), 'bytes differ; run "node scripts/generate-demo-capture.mjs" after changing the traffic');
});
