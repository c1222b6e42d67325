import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAULT_KINDS, REPLAY_ERROR_CODES } from '../src/index.js';
import { repoRoot } from './helpers.js';

function section(path: string, heading: string): string {
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(heading);
  assert.ok(start >= 0, `${path} has no "${heading}" heading`);
  const next = text.indexOf('\n## ', start + heading.length);
  return text.slice(start, next < 0 ? undefined : next);
}

test('replay errors: every code documented', () => {
  const replay = section(join(repoRoot, 'docs', 'errors.md'), '## replay');
  for (const [code, info] of Object.entries(REPLAY_ERROR_CODES)) {
    assert.ok(replay.includes(`| \`${code}\` | ${info.kind} |`), `docs/errors.md lacks ${code} (${info.kind})`);
  }
});

test('replay faults: every kind documented', () => {
  const faults = section(join(repoRoot, 'docs', 'replay-events.md'), '## Faults');
  for (const kind of Object.keys(FAULT_KINDS)) assert.ok(faults.includes(`\`${kind}\``), `docs/replay-events.md lacks fault ${kind}`);
});
