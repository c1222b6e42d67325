import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VirtualClock } from '@triggerbox/core';
import { SessionTable, SESSION_ERROR_CODES } from '../src/index.js';

const table = new SessionTable({ clock: new VirtualClock(0) });

function expectCode(action: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(action, (error: Error & { code?: string }) => {
    assert.equal(error.name, 'TriggerboxError');
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  });
}

test('errors: invalid keys are named', () => {
  const call = table as unknown as Record<string, (key: unknown, ...rest: unknown[]) => unknown>;
  for (const method of ['add', 'lookup', 'modify', 'replace', 'remove', 'increment', 'getOptions']) {
    expectCode(() => call[method]!.call(table, '', 1), 'TB_ERR_SESSION_INVALID_KEY', new RegExp(`Session\\.${method}: .*string ""`));
    expectCode(() => call[method]!.call(table, 17, 1), 'TB_ERR_SESSION_INVALID_KEY', /number 17/);
    expectCode(() => call[method]!.call(table, null, 1), 'TB_ERR_SESSION_INVALID_KEY', /got null/);
  }
});

test('errors: invalid options are named', () => {
  const cases: [unknown, RegExp][] = [
    ['60', /options must be an object/],
    [{ expire: -1 }, /expire .* got number -1/],
    [{ expire: Number.POSITIVE_INFINITY }, /expire .* got number Infinity/],
    [{ expire: '60' }, /expire .* got string "60"/],
    [{ notify: 1 }, /notify must be true or false, got number 1/],
    [{ priority: 3 }, /priority .* got number 3/],
    [{ priority: 1.5 }, /priority .* got number 1.5/],
    [{ expires: 60 }, /unknown option "expires"/],
  ];
  for (const [options, pattern] of cases) {
    expectCode(() => table.replace('k', 1, options as never), 'TB_ERR_SESSION_INVALID_OPTION', pattern);
  }
  assert.equal(table.lookup('k'), null);
});

test('errors: uncloneable values are rejected', () => {
  expectCode(() => table.add('f', () => 1), 'TB_ERR_SESSION_INVALID_VALUE', /a function/);
  expectCode(() => table.add('s', Symbol('x')), 'TB_ERR_SESSION_INVALID_VALUE', /a symbol/);
  expectCode(() => table.add('u', undefined), 'TB_ERR_SESSION_INVALID_VALUE', /undefined/);
  expectCode(() => table.replace('nested', { run: () => 1 }), 'TB_ERR_SESSION_INVALID_VALUE', /cannot copy/);
  assert.equal(table.size, 0);
  table.add('present', 1);
  expectCode(() => table.add('present', () => 2), 'TB_ERR_SESSION_INVALID_VALUE', /a function/);
  table.remove('present');
});

test('errors: increment count is checked', () => {
  table.add('n', 1);
  expectCode(() => table.increment('n', Number.NaN), 'TB_ERR_SESSION_INVALID_COUNT', /key "n" .* got number NaN/);
  expectCode(() => table.increment('n', '2' as never), 'TB_ERR_SESSION_INVALID_COUNT', /string "2"/);
  assert.equal(table.lookup('n'), 1);
  table.remove('n');
});

test('errors: capacity must be positive integer', () => {
  for (const capacity of [0, -5, 1.5, Number.NaN]) {
    expectCode(() => new SessionTable({ clock: new VirtualClock(0), capacity }), 'TB_ERR_SESSION_INVALID_CAPACITY', /positive integer/);
  }
});

test('errors: invalid items are rejected', () => {
  expectCode(() => table.storeItem('', Buffer.from('x'), 0, { kind: 'never' }), 'TB_ERR_SESSION_INVALID_ITEM', /key/);
  expectCode(() => table.storeItem('k', 'x' as never, 0, { kind: 'never' }), 'TB_ERR_SESSION_INVALID_ITEM', /not a Buffer/);
  expectCode(() => table.storeItem('k', Buffer.from('x'), -1, { kind: 'never' }), 'TB_ERR_SESSION_INVALID_ITEM', /flags/);
  expectCode(() => table.storeItem('k', Buffer.from('x'), 0, { kind: 'soon' } as never), 'TB_ERR_SESSION_INVALID_ITEM', /expiry/);
  expectCode(() => table.touchItem('k', { kind: 'at', atMs: Number.NaN }), 'TB_ERR_SESSION_INVALID_ITEM', /expiry/);
});

test('errors: every code is documented', () => {
  const docsPath = fileURLToPath(new URL('../../../../docs/errors.md', import.meta.url));
  const docs = readFileSync(docsPath, 'utf8');
  const section = docs.split('\n## ').find((part) => part.startsWith('session-table'));
  assert.ok(section, 'docs/errors.md has a session-table section');
  for (const [code, info] of Object.entries(SESSION_ERROR_CODES)) {
    assert.ok(section.includes(`\`${code}\` | ${info.kind} |`), `${code} is listed with kind ${info.kind}`);
  }
});
