#!/usr/bin/env node
// Entry point of the `triggerbox` command. isolated-vm needs Node's startup snapshot disabled on
// Node 20 and later, which only a command-line flag can do, so without `--no-node-snapshot` this
// script starts itself again with the flag and passes signals and the exit status through.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FLAG = '--no-node-snapshot';
const hasFlag = process.execArgv.includes(FLAG) || (process.env.NODE_OPTIONS ?? '').split(/\s+/).includes(FLAG);

if (hasFlag) {
  const { main } = await import('../dist/src/main.js');
  await main(process.argv.slice(2));
} else {
  const child = spawn(process.execPath, [FLAG, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  // A terminal's Ctrl-C reaches both processes; the child decides how to shut down.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
