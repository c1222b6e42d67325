import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CORE_ERROR_CODES } from '@triggerbox/core';
import { SESSION_ERROR_CODES } from '@triggerbox/session-table';
import { MEMCACHED_ERROR_CODES } from '@triggerbox/memcached';
import { METRIC_ERROR_CODES } from '@triggerbox/metrics';
import { REMOTE_ERROR_CODES } from '@triggerbox/remote';
import { REPLAY_ERROR_CODES } from '@triggerbox/replay';
import { SANDBOX_ERROR_CODES } from '@triggerbox/sandbox';
import { CLI_ERROR_CODES } from '../src/errors.js';
import { repoRoot } from './support.js';

const TABLES = {
  core: CORE_ERROR_CODES,
  'session-table': SESSION_ERROR_CODES,
  memcached: MEMCACHED_ERROR_CODES,
  metrics: METRIC_ERROR_CODES,
  remote: REMOTE_ERROR_CODES,
  replay: REPLAY_ERROR_CODES,
  sandbox: SANDBOX_ERROR_CODES,
  cli: CLI_ERROR_CODES,
};

test('docs/errors.md: lists every error code', () => {
  const page = readFileSync(resolve(repoRoot, 'docs/errors.md'), 'utf8');
  for (const [area, table] of Object.entries(TABLES)) {
    for (const [code, info] of Object.entries(table as Record<string, { kind: string }>)) {
      assert.match(code, /^TB_ERR_[A-Z]+_[A-Z0-9_]+$/, `${area}: code shape`);
      const row = page.split('\n').find((line) => line.includes(`\`${code}\``));
      assert.ok(row, `${code} (${area}) is missing from docs/errors.md`);
      assert.ok(row.includes(`| ${info.kind} |`), `${code}: docs/errors.md gives the kind ${info.kind}`);
    }
  }
});
