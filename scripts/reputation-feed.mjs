#!/usr/bin/env node
// The demo's reputation service, the counterpart of the Flask script in ExtraHop's Open Data Context
// guide. `POST /dnsreputation` with a domain as the body looks the domain up in a reputation table,
// writes the score into Triggerbox's session table with a real memcached client (120 s expiry) and
// replies once the write is stored. Unknown domains get the table's `unknownScore`.
//
//   node scripts/reputation-feed.mjs --memcached 127.0.0.1:11211 [--port 0] [--host 127.0.0.1]
//                                    [--table fixtures/reputation.json]
//
// It prints `listening on http://HOST:PORT` on standard output once it accepts requests.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import Memcached from 'memcached';

const EXPIRE_SECONDS = 120;
const MAX_BODY_BYTES = 1024;
const DOMAIN_PATTERN = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;

const { values: args } = parseArgs({
  options: {
    memcached: { type: 'string' },
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    table: { type: 'string', default: fileURLToPath(new URL('../fixtures/reputation.json', import.meta.url)) },
  },
});

if (!args.memcached) {
  console.error('Missing --memcached HOST:PORT: the address of the Triggerbox ingest server to write scores into.');
  process.exit(2);
}

const table = JSON.parse(readFileSync(args.table, 'utf8'));
const scores = new Map(Object.entries(table.scores));
const unknownScore = table.unknownScore;

// One connection, no failover: a failed write is reported to the caller rather than retried elsewhere.
const client = new Memcached(args.memcached, { retries: 0, timeout: 2000, poolSize: 1, reconnect: 1000, failures: 1000 });

function storeScore(domain, score) {
  return new Promise((resolve, reject) => {
    client.set(domain, String(score), EXPIRE_SECONDS, (error) => (error ? reject(error) : resolve()));
  });
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`body longer than ${MAX_BODY_BYTES} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function reply(response, status, text) {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(text + '\n');
}

const server = createServer(async (request, response) => {
  if (request.url !== '/dnsreputation') return reply(response, 404, `Not found: ${request.url}; the service serves POST /dnsreputation.`);
  if (request.method !== 'POST') return reply(response, 405, `Method ${request.method} not allowed; send POST with the domain as the body.`);

  let domain;
  try {
    domain = (await readBody(request)).trim().toLowerCase();
  } catch (error) {
    return reply(response, 413, `Invalid body: ${error.message}.`);
  }
  if (!DOMAIN_PATTERN.test(domain)) {
    return reply(response, 400, `Invalid domain ${JSON.stringify(domain)}: send one domain name such as example.com as the body.`);
  }

  const score = scores.has(domain) ? scores.get(domain) : unknownScore;
  try {
    await storeScore(domain, score);
  } catch (error) {
    console.error(`reputation-feed: memcached set of ${domain} failed: ${error.message}`);
    return reply(response, 502, `Could not store the score of ${domain} in the session table: ${error.message}.`);
  }
  reply(response, 200, 'added to session table');
});

function shutDown() {
  server.close();
  client.end();
}
process.on('SIGINT', shutDown);
process.on('SIGTERM', shutDown);

server.listen(Number(args.port), args.host, () => {
  const { address, port } = server.address();
  const host = address.includes(':') ? `[${address}]` : address;
  process.stdout.write(`listening on http://${host}:${port}\n`);
});
