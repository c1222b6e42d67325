import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';

import { RawClient, requireTool, startTestServer, type TestServer } from './helpers.js';

/**
 * Keys memccapable (libmemcached 1.1.4) stores, read from its traffic against a `memcached -F`
 * on loopback. memccapable relies on flush_all to start empty. Because flush is rejected here, a
 * second run would find the keys of the first, so the test deletes them before each run.
 */
const MEMCAPABLE_KEYS = [
  'add', 'add_noreply', 'append', 'append_noreply', 'append_noreply_notfound', 'append_notfound', 'cas',
  'cas_noreply', 'decr', 'decr_noreply', 'delete', 'delete_noreply', 'flush', 'flush_noreply', 'get',
  'get_notfound', 'gets', 'gets_notfound', 'incr', 'incr_noreply', 'mget1', 'mget2', 'mget3', 'mget4',
  'mget5', 'mget6', 'prepend', 'prepend_noreply', 'prepend_noreply_notfound', 'prepend_notfound',
  'replace', 'replace_noreply', 'set', 'set_noreply',
]
  .map((name) => `test_ascii_${name}`)
  .concat(
    [
      'add', 'addq', 'append', 'appendq', 'decr', 'decrq', 'delete', 'deleteq', 'flush', 'flushq', 'get',
      'getk', 'getkq', 'getq', 'incr', 'incrq', 'prepend', 'prependq', 'replace', 'replaceq', 'set', 'setq',
    ].map((name) => `test_binary_${name}`),
  );

/** memccapable writes each test name padded to 40 columns, then `[pass]` on success. */
const NAME_COLUMNS = 40;

interface MemcapableRun {
  passed: string[];
  failed: string[];
  exitCode: number | null;
  stderr: string;
}

function runMemcapable(tool: string, port: number, protocolFlag: '-a' | '-b'): Promise<MemcapableRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, ['-h', '127.0.0.1', '-p', String(port), '-t', '5', protocolFlag], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('latin1').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('latin1').on('data', (text: string) => (stderr += text));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      const passed: string[] = [];
      const failed: string[] = [];
      let offset = 0;
      while (offset + NAME_COLUMNS <= stdout.length) {
        const name = stdout.slice(offset, offset + NAME_COLUMNS).trim();
        offset += NAME_COLUMNS;
        if (stdout.startsWith('[pass]\n', offset)) {
          passed.push(name);
          offset += '[pass]\n'.length;
        } else {
          failed.push(name);
        }
      }
      resolve({ passed, failed, exitCode, stderr });
    });
  });
}

async function deleteMemcapableKeys(port: number): Promise<void> {
  const client = await RawClient.connect(port);
  try {
    await client.text(MEMCAPABLE_KEYS.map((key) => `delete ${key} noreply\r\n`).join(''));
  } finally {
    client.close();
  }
}

describe('memccapable', () => {
  let harness: TestServer;

  before(async () => {
    harness = await startTestServer();
  });

  after(async () => {
    await harness.close();
  });

  for (const [flag, protocol, expectedFailures] of [
    ['-a', 'ascii', ['ascii flush', 'ascii flush noreply']],
    ['-b', 'binary', ['binary flush', 'binary flushq']],
  ] as const) {
    test(`memccapable ${flag}: only flush tests fail`, async (t) => {
      const tool = requireTool('memccapable', (message) => t.skip(message));
      if (tool === null) return;

      // Twice, to show the key cleanup makes runs independent.
      for (let run = 1; run <= 2; run++) {
        await deleteMemcapableKeys(harness.port);
        const result = await runMemcapable(tool, harness.port, flag);
        assert.deepEqual(result.failed, [...expectedFailures], `run ${run}: failed tests; stderr ${result.stderr}`);
        assert.equal(result.passed.length, 25, `run ${run}: passed tests`);
        assert.ok(result.passed.every((name) => name.startsWith(`${protocol} `)), `run ${run}: test names`);
        assert.equal(result.exitCode, 1, `run ${run}: exit code`);
        assert.match(result.stderr, /2 of 27 tests failed/);
      }
    });
  }
});
