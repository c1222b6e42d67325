#!/usr/bin/env node
// Ingest benchmark: Triggerbox's memcached server against Debian's `memcached -F` on this machine.
//
//   npm run bench:ingest -- [--duration 10s] [--rounds 1] [--bulk-count 1000000] [--value-bytes 100]
//
// 1. memcaslap (Debian libmemcached-tools) with -T 2 -c 32 -t <duration>, text then binary (-B),
//    against memcached -F and against Triggerbox, one after the other; prints both rates and the
//    Triggerbox/memcached ratio. With --rounds N it runs N alternating pairs and reports medians.
// 2. A bulk load of <bulk-count> pipelined `set ... noreply` through one connection, ended by a
//    `version` whose reply marks the end; prints both times and the time ratio.
// Both servers listen on 127.0.0.1 on free ports. Triggerbox runs in a child process
// (scripts/bench/memcached-server.mjs) over a SessionTable with a SystemClock.
import { spawn, spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: options } = parseArgs({
  options: {
    duration: { type: 'string', default: '10s' },
    rounds: { type: 'string', default: '1' },
    'bulk-count': { type: 'string', default: '1000000' },
    'value-bytes': { type: 'string', default: '100' },
  },
});
const rounds = Number(options.rounds);
const bulkCount = Number(options['bulk-count']);
const valueBytes = Number(options['value-bytes']);
for (const [name, value] of [['rounds', rounds], ['bulk-count', bulkCount], ['value-bytes', valueBytes]]) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a positive integer, got ${value}.`);
    process.exit(2);
  }
}

const SERVER_SCRIPT = fileURLToPath(new URL('./memcached-server.mjs', import.meta.url));
const TRIGGERBOX_CAPACITY = 4_000_000;
const MEMCACHED_MEMORY_MB = 2048;

function requireTool(name) {
  const result = spawnSync('/bin/sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (result.status !== 0) {
    console.error(`${name} is not installed; install Debian's ${name === 'memcached' ? 'memcached' : 'libmemcached-tools'} package.`);
    process.exit(1);
  }
  return result.stdout.trim();
}

const memcachedPath = requireTool('memcached');
const memcaslapPath = requireTool('memcaslap');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Waits until process `pid` listens on 127.0.0.1:`port`, checked with `ss` so that no
 * connection is made to a process this script did not start (another program could take a
 * free port between `freePort` and memcached's bind).
 */
async function waitForListener(child, port, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    const listing = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
    if (listing.status !== 0) throw new Error(`ss failed (exit ${listing.status}); install iproute2 to run this benchmark.`);
    if (listing.stdout.includes(`pid=${child.pid},`)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** Starts `memcached -F` on a free port; returns { port, stop }. */
async function startMemcached() {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const port = await freePort();
    const args = ['-F', '-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', String(MEMCACHED_MEMORY_MB)];
    if (process.getuid?.() === 0) args.push('-u', 'nobody');
    const child = spawn(memcachedPath, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    if (await waitForListener(child, port)) return { name: 'memcached -F', port, stop: () => stopChild(child) };
    await stopChild(child);
  }
  throw new Error('memcached -F did not start on a free port after 5 attempts.');
}

/** Starts Triggerbox's server in a child process; returns { port, stop }. */
async function startTriggerbox() {
  const child = spawn(process.execPath, [SERVER_SCRIPT, '0', String(TRIGGERBOX_CAPACITY)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text) => {
      output += text;
      const match = /listening (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the Triggerbox server exited with code ${code} before listening`)));
  });
  return { name: 'Triggerbox', port, stop: () => stopChild(child) };
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Runs memcaslap and returns its TPS. */
function runMemcaslap(port, binary) {
  const args = ['-s', `127.0.0.1:${port}`, '-T', '2', '-c', '32', '-t', options.duration];
  if (binary) args.push('-B');
  const result = spawnSync(memcaslapPath, args, { encoding: 'utf8', timeout: 10 * 60_000 });
  const output = `${result.stdout}${result.stderr}`;
  const match = /Run time: \S+ Ops: (\d+) TPS: (\d+)/.exec(output);
  if (!match) throw new Error(`memcaslap printed no result (exit ${result.status}):\n${output}`);
  return { ops: Number(match[1]), tps: Number(match[2]), command: `memcaslap ${args.join(' ')}` };
}

/** Builds the bulk-load stream before timing starts: batches of pipelined `set ... noreply`. */
function buildBulkBatches(count) {
  const value = 'v'.repeat(valueBytes);
  const batchSize = 10_000;
  const batches = [];
  for (let first = 0; first < count; first += batchSize) {
    let text = '';
    const last = Math.min(count, first + batchSize);
    for (let i = first; i < last; i++) text += `set bulk:${i} 0 0 ${valueBytes} noreply\r\n${value}\r\n`;
    batches.push(Buffer.from(text, 'latin1'));
  }
  return batches;
}

/** Sends the batches and a final `version` through one connection; returns the elapsed milliseconds. */
function bulkLoad(port, batches) {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    let startedMs = 0;
    let reply = '';
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('VERSION ')) {
        const elapsedMs = performance.now() - startedMs;
        socket.destroy();
        if (!/^VERSION \S+\r\n$/.test(reply)) reject(new Error(`unexpected reply during the bulk load: ${reply.slice(0, 200)}`));
        else resolve(elapsedMs);
      }
    });
    socket.on('connect', async () => {
      startedMs = performance.now();
      for (const batch of batches) {
        if (!socket.write(batch)) await new Promise((drained) => socket.once('drain', drained));
      }
      socket.write('version\r\n');
    });
  });
}

function median(numbers) {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function memcachedVersion() {
  const result = spawnSync(memcachedPath, ['-V'], { encoding: 'utf8' });
  return result.stdout.trim();
}

async function withServer(start, run) {
  const server = await start();
  try {
    return await run(server);
  } finally {
    await server.stop();
  }
}

console.log(`Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`);
console.log(`Node ${process.version}, ${memcachedVersion()}, memcaslap -T 2 -c 32 -t ${options.duration}, ${rounds} round(s)`);
console.log(`Load average at start: ${loadavg().map((load) => load.toFixed(2)).join(' ')}`);
console.log('');

const results = { text: { memcached: [], triggerbox: [] }, binary: { memcached: [], triggerbox: [] } };
for (let round = 1; round <= rounds; round++) {
  for (const protocol of ['text', 'binary']) {
    const binary = protocol === 'binary';
    const memcached = await withServer(startMemcached, (server) => runMemcaslap(server.port, binary));
    const triggerbox = await withServer(startTriggerbox, (server) => runMemcaslap(server.port, binary));
    results[protocol].memcached.push(memcached.tps);
    results[protocol].triggerbox.push(triggerbox.tps);
    console.log(
      `round ${round} ${protocol.padEnd(6)} memcached -F ${String(memcached.tps).padStart(7)} ops/s   Triggerbox ${String(triggerbox.tps).padStart(7)} ops/s   ratio ${(triggerbox.tps / memcached.tps).toFixed(2)}   (load ${loadavg()[0].toFixed(2)})`,
    );
  }
}

console.log('');
for (const protocol of ['text', 'binary']) {
  const memcached = median(results[protocol].memcached);
  const triggerbox = median(results[protocol].triggerbox);
  console.log(`memcaslap ${protocol.padEnd(6)}: memcached -F ${memcached} ops/s, Triggerbox ${triggerbox} ops/s, ratio ${(triggerbox / memcached).toFixed(2)}`);
}

const batches = buildBulkBatches(bulkCount);
const memcachedBulkMs = await withServer(startMemcached, (server) => bulkLoad(server.port, batches));
const triggerboxBulkMs = await withServer(startTriggerbox, (server) => bulkLoad(server.port, batches));
console.log(
  `bulk load ${bulkCount} x set noreply (${valueBytes}-byte values, one connection): memcached -F ${(memcachedBulkMs / 1000).toFixed(2)} s, Triggerbox ${(triggerboxBulkMs / 1000).toFixed(2)} s, time ratio ${(triggerboxBulkMs / memcachedBulkMs).toFixed(2)}`,
);
