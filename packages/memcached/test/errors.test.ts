import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { MEMCACHED_ERROR_CODES } from '../src/index.js';

const ERRORS_DOC = fileURLToPath(new URL('../../../../docs/errors.md', import.meta.url));

test('errors: every code documented', async () => {
  const doc = await readFile(ERRORS_DOC, 'utf8');
  const start = doc.indexOf('\n## memcached\n');
  assert.notEqual(start, -1, 'docs/errors.md has a memcached section');
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end === -1 ? undefined : end);
  for (const [code, info] of Object.entries(MEMCACHED_ERROR_CODES)) {
    assert.ok(section.includes(`| \`${code}\` | ${info.kind} | ${info.fix} |`), `${code} is listed with its kind and fix`);
  }
  const listed = [...section.matchAll(/`(TB_ERR_[A-Z_]+)`/g)].map((match) => match[1]);
  assert.deepEqual(listed.sort(), Object.keys(MEMCACHED_ERROR_CODES).sort());
});

test('errors: codes use the package area', () => {
  for (const code of Object.keys(MEMCACHED_ERROR_CODES)) assert.match(code, /^TB_ERR_MEMCACHED_[A-Z_]+$/);
});
