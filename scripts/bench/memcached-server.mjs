#!/usr/bin/env node
// Starts Triggerbox's memcached server on a SessionTable with a SystemClock, for benchmarks and
// manual checks: node scripts/bench/memcached-server.mjs [port] [capacity].
// Prints "listening <port>" on standard output once it accepts connections, and closes on
// SIGINT or SIGTERM.
import { SystemClock } from '@triggerbox/core';
import { startMemcachedServer } from '@triggerbox/memcached';
import { SessionTable } from '@triggerbox/session-table';

const port = Number(process.argv[2] ?? 0);
const capacity = Number(process.argv[3] ?? 4_000_000);

const clock = new SystemClock();
const table = new SessionTable({ clock, capacity });
const server = await startMemcachedServer({ table, clock, host: '127.0.0.1', port });
process.stdout.write(`listening ${server.address.port}\n`);

const stop = async () => {
  await server.close({ drainTimeoutMs: 1000 });
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
