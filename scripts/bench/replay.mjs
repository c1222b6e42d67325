#!/usr/bin/env node
// Replay benchmark. It generates a capture of at least one million DNS messages with the
// project's own capture writer and replays it with `runReplay`, the code behind `triggerbox
// replay`, through a trigger that only counts events. Then it decodes the same file with tshark and
// prints messages per second for both and their ratio. isolated-vm needs --no-node-snapshot.
//
// Usage: node --no-node-snapshot scripts/bench/replay.mjs [--messages N] [--keep FILE]
//   --messages N  DNS messages to generate (default 1,000,000; queries and responses in pairs)
//   --keep FILE   write the capture to FILE and keep it (default: a temporary file, removed)
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '@triggerbox/core';
import { PcapWriter } from '@triggerbox/replay';
import { runReplay } from '@triggerbox/cli';

const args = process.argv.slice(2);
const messageCount = Number(optionValue('--messages') ?? 1_000_000);
const keepPath = optionValue('--keep');
if (!Number.isInteger(messageCount) || messageCount < 2) {
  console.error(`--messages must be an integer of at least 2, got ${optionValue('--messages')}`);
  process.exit(2);
}

const workDir = keepPath ? null : mkdtempSync(join(tmpdir(), 'triggerbox-bench-replay-'));
const capturePath = keepPath ?? join(workDir, 'replay-bench.pcap');

try {
  const generated = generateCapture(capturePath, Math.ceil(messageCount / 2));
  console.log(`capture: ${capturePath}, ${generated.messages.toLocaleString('en-US')} DNS messages, ${(statSync(capturePath).size / 1e6).toFixed(1)} MB, generated in ${(generated.ms / 1000).toFixed(1)} s`);

  const replay = await measureReplay(capturePath);
  if (replay.events !== generated.messages) throw new Error(`replay delivered ${replay.events} events, expected ${generated.messages}`);
  const replayRate = replay.events / (replay.ms / 1000);
  console.log(`triggerbox replay (counting trigger): ${replay.events.toLocaleString('en-US')} events in ${(replay.ms / 1000).toFixed(2)} s = ${Math.round(replayRate).toLocaleString('en-US')} msg/s`);

  const tshark = await measureTshark(capturePath);
  const tsharkRate = tshark.messages / (tshark.ms / 1000);
  console.log(`tshark -T fields -e dns.qry.name: ${tshark.messages.toLocaleString('en-US')} messages in ${(tshark.ms / 1000).toFixed(2)} s = ${Math.round(tsharkRate).toLocaleString('en-US')} msg/s`);
  console.log(`ratio (replay / tshark): ${(replayRate / tsharkRate).toFixed(1)}x on ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
} finally {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}

function optionValue(name) {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

/**
 * Writes `exchanges` query/response pairs a millisecond apart: up to 24,000 client addresses, a
 * few thousand names, A, AAAA, MX and TXT questions, CNAME chains and one NXDOMAIN in ten.
 */
function generateCapture(path, exchanges) {
  const started = performance.now();
  const writer = new PcapWriter({ format: 'pcap' });
  const fd = openSync(path, 'w');
  const startMs = Date.UTC(2024, 0, 1);
  const zones = ['example.com', 'example.net', 'example.org', 'cdn.example', 'shop.example.com'];
  const hosts = ['www', 'api', 'mail', 'static', 'login', 'img', 'ws', 'app'];
  try {
    for (let i = 0; i < exchanges; i++) {
      const host = hosts[i % hosts.length];
      const zone = zones[(i >> 3) % zones.length];
      const name = `${host}${i % 97}.${zone}`;
      const client = `10.${(i >> 16) & 0xff}.${(i >> 8) % 12}.${(i % 250) + 1}:${1024 + (i % 60000)}`;
      const kind = i % 10;
      let spec;
      if (kind === 0) {
        spec = { name, type: 'A', rcode: 'NXDOMAIN', answers: [] };
      } else if (kind <= 5) {
        spec = { name, type: 'A', answers: [`192.0.2.${i % 250}`, `198.51.100.${i % 250}`] };
      } else if (kind === 6) {
        spec = { name, type: 'AAAA', answers: [`2001:db8::${(i % 65535).toString(16)}`] };
      } else if (kind === 7) {
        spec = { name, type: 'A', answers: [{ type: 'CNAME', data: `edge.${zone}` }, { name: `edge.${zone}`, type: 'A', data: '203.0.113.7' }] };
      } else if (kind === 8) {
        spec = { name: zone, type: 'MX', answers: [`mx1.${zone}`, `mx2.${zone}`] };
      } else {
        spec = { name, type: 'TXT', answers: ['v=spf1 -all'] };
      }
      writer.addDnsExchange({ ...spec, timestampMs: startMs + i, client, id: i & 0xffff, responseDelayMs: 0.25 });
      if (i % 4096 === 4095) writeSync(fd, writer.takeBytes());
    }
    writeSync(fd, writer.takeBytes());
  } finally {
    closeSync(fd);
  }
  return { messages: exchanges * 2, ms: performance.now() - started };
}

/**
 * Replays the capture the way `triggerbox replay` does: capture-time clock, 30 s cycles, and a
 * trigger in its isolate that only counts events. The metric total must equal the message count.
 */
async function measureReplay(path) {
  const triggerFile = join(workDir ?? tmpdir(), 'count-events.js');
  writeFileSync(triggerFile, "//Name: CountEvents\n//Events: DNS_REQUEST, DNS_RESPONSE\nNetwork.metricAddCount('events', 1);\n");

  const started = performance.now();
  const report = await runReplay({
    captures: [path],
    triggers: [triggerFile],
    remotes: {},
    speed: Infinity,
    logger: createLogger({ level: 'warn' }),
    showProgress: false,
  });
  const ms = performance.now() - started;

  const row = report.metrics.find((entry) => entry.metric === 'events');
  return { events: row ? row.value : 0, ms, summary: report.capture };
}

/** Runs tshark on the capture, counting the lines (one per DNS message with a name field). */
function measureTshark(path) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('tshark', ['-n', '-r', path, '-T', 'fields', '-e', 'dns.qry.name'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', (error) => reject(new Error(`cannot run tshark: ${error.message}; install it (Debian package "tshark")`)));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`tshark exited with ${code}: ${stderr.trim()}`));
      else resolve({ messages: lines, ms: performance.now() - started });
    });
  });
}
