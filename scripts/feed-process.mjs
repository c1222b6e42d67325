// Starts the demo's reputation feed as a child process; used by scripts/demo.mjs and the CLI tests.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const FEED_START_TIMEOUT_MS = 10_000;

/** Finds a free TCP port on 127.0.0.1 by binding port 0. */
export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Starts scripts/reputation-feed.mjs writing to the memcached server at `memcachedAddress`
 * (HOST:PORT) and resolves with its URL once it prints its listening line.
 */
export async function startFeed(memcachedAddress) {
  const feed = spawn(process.execPath, ['scripts/reputation-feed.mjs', '--memcached', memcachedAddress], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: feed.stdout });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the reputation feed did not start within ${FEED_START_TIMEOUT_MS} ms`)), FEED_START_TIMEOUT_MS);
    lines.on('line', (line) => {
      const match = /^listening on (\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    feed.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the reputation feed exited with status ${code} before it started`));
    });
  });
  return { url, stop: () => feed.kill('SIGTERM') };
}
