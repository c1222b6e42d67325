import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, repoRoot } from './support.js';

interface Served {
  child: ChildProcessWithoutNullStreams;
  port: number;
  stderr: () => string;
}

async function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [cliPath, 'serve', '--port', '0', ...args], { cwd: repoRoot });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const port = await new Promise<number>((resolvePromise, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start within 20 s; stderr:\n${stderr}`)), 20_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /^listening on 127\.0\.0\.1:(\d+)/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolvePromise(Number(match[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with status ${code}; stderr:\n${stderr}`)));
  });
  return { child, port, stderr: () => stderr };
}

/** Sends raw memcached text commands and resolves once the reply ends with `terminator`. */
async function memcachedExchange(port: number, request: string, terminator: string): Promise<string> {
  const socket = createConnection({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  socket.write(request);
  let reply = '';
  socket.setEncoding('utf8');
  for await (const chunk of socket) {
    reply += chunk;
    if (reply.endsWith(terminator)) break;
  }
  socket.destroy();
  return reply;
}

async function stop(served: Served): Promise<number | null> {
  served.child.kill('SIGTERM');
  const [code] = await once(served.child, 'exit');
  return code as number | null;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
  }
}

test('serve: state file survives restart', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'triggerbox-serve-'));
  const stateFile = join(folder, 'state.json');

  const first = await serve(['--state-file', stateFile]);
  const stored = await memcachedExchange(first.port, 'set feed:a 7 0 5\r\nhello\r\nset feed:b 0 3600 2\r\n42\r\n', 'STORED\r\nSTORED\r\n');
  assert.equal(stored, 'STORED\r\nSTORED\r\n');
  assert.equal(await stop(first), 0, first.stderr());
  assert.ok(existsSync(stateFile), 'the state file was written on SIGTERM');

  const second = await serve(['--state-file', stateFile]);
  try {
    const reply = await memcachedExchange(second.port, 'get feed:a feed:b\r\n', 'END\r\n');
    assert.equal(reply, 'VALUE feed:a 7 5\r\nhello\r\nVALUE feed:b 0 2\r\n42\r\nEND\r\n');
  } finally {
    await stop(second);
  }
});

test('serve: flush_all refused, keys kept', async () => {
  const served = await serve([]);
  try {
    const reply = await memcachedExchange(served.port, 'set k 0 0 1\r\nx\r\nflush_all\r\nget k\r\n', 'END\r\n');
    assert.equal(reply, 'STORED\r\nCLIENT_ERROR flush_all not allowed\r\nVALUE k 0 1\r\nx\r\nEND\r\n');
  } finally {
    await stop(served);
  }
});

test('serve: broken reload keeps last good', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'triggerbox-reload-'));
  const file = join(folder, 'counter.js');
  writeFileSync(file, '//Name: Counter\n//Events: TIMER_30SEC\nNetwork.metricAddCount("ticks", 1);\n');
  const served = await serve(['--triggers', folder, '--log-level', 'info']);
  try {
    await waitFor(() => served.stderr().includes('triggers loaded'), 'the initial load');

    writeFileSync(file, '//Name: Counter\n//Events: TIMER_30SEC\nNetwork.metricAddCount("ticks", ;\n');
    await waitFor(() => served.stderr().includes('reload failed'), 'the failed reload to be reported');
    assert.match(served.stderr(), /counter\.js/);
    assert.match(served.stderr(), /previous version keeps running/);

    writeFileSync(file, '//Name: Counter\n//Events: TIMER_30SEC\nNetwork.metricAddCount("ticks", 2);\n');
    await waitFor(() => served.stderr().includes('trigger reloaded'), 'the fixed version to load');

    const reply = await memcachedExchange(served.port, 'version\r\n', '\r\n');
    assert.match(reply, /^VERSION 1\.4\./, 'the server kept serving through the reloads');
  } finally {
    assert.equal(await stop(served), 0);
  }
});
