#!/usr/bin/env node
// The main job: the vendor's DNSReputation example end to end. It starts the reputation feed and
// replays the demo capture through triggers/dns-reputation.js with `triggerbox replay`, which runs
// the memcached ingest server on the replay's clock so the feed can write scores into the session
// table. Arguments after `--` go to `triggerbox replay` (for example `--json`). It builds the
// packages first and sends everything but the replay's summary to standard error, so that
// `npm run --silent demo -- --json` prints only JSON on standard output.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort, startFeed } from './feed-process.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const extraArgs = process.argv.slice(2);

/** Builds the packages with turbo, its output on standard error. */
async function build() {
  const turbo = spawn('npx', ['--offline', 'turbo', 'run', 'build', '--output-logs=errors-only'], {
    cwd: root,
    stdio: ['ignore', process.stderr, 'inherit'],
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  });
  const [code] = await once(turbo, 'exit');
  if (code !== 0) throw new Error(`the build failed with status ${code}; run "npm run build" to see why`);
}

await build();
const ingestPort = await freePort();
const feed = await startFeed(`127.0.0.1:${ingestPort}`);
const { url } = feed;
// Also stop the feed when this script dies early, for example when its output pipe closes.
process.on('exit', () => feed.stop());
process.stderr.write(`demo: reputation feed on ${url}, writing to the ingest server on 127.0.0.1:${ingestPort}\n`);
try {
  const replay = spawn(
    process.execPath,
    [
      'packages/cli/bin/triggerbox.js',
      'replay',
      'fixtures/dns-reputation-demo.pcap',
      '--triggers',
      'triggers/dns-reputation.js',
      '--remote',
      `dnsrep=${url}`,
      '--ingest-port',
      String(ingestPort),
      '--log-level',
      'warn',
      ...extraArgs,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  const [code] = await once(replay, 'exit');
  process.exitCode = code ?? 1;
} finally {
  feed.stop();
}
