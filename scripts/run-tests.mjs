#!/usr/bin/env node
// Runs every compiled test file under packages/*/dist/test with Node's test runner.
// Node 20's `--test` takes no globs, so this script lists the files. isolated-vm needs
// `--no-node-snapshot` on Node 20 and later, and the runner passes it on to each test process.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

function collect(dir, found) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, found);
    else if (name.endsWith('.test.js')) found.push(path);
  }
  return found;
}

const files = [];
for (const pkg of readdirSync(join(root, 'packages'))) {
  const testDir = join(root, 'packages', pkg, 'dist', 'test');
  if (existsSync(testDir)) collect(testDir, files);
}
const selected = files
  .map((file) => relative(root, file))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();

if (selected.length === 0) {
  console.error(`No compiled test files matched ${filters.join(' ') || 'packages/*/dist/test'}; run "npm run build" first.`);
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  ['--no-node-snapshot', '--enable-source-maps', '--test', '--test-reporter=spec', ...selected],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --no-node-snapshot`.trim() } },
);
process.exit(result.status ?? 1);
