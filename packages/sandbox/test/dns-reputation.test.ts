import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricRow } from '@triggerbox/metrics';
import { createWorld, dnsRequest, dnsResponse, START_MS, type World } from './helpers.js';
import { startServer } from './http-server.js';

/**
 * The DNSReputation example of ExtraHop's Open Data Context guide, written for this test. The
 * published name-shortening line does not parse; the corrected rule keeps the last two labels of
 * the query name, lowercased. DNS.errorNum is read only on responses, where it exists.
 */
const DNS_REPUTATION = [
  '//Configure the following trigger settings:',
  '//Name: DNSReputation',
  '//Debugging: Enabled',
  '//Events: DNS_REQUEST, DNS_RESPONSE',
  '',
  'var qname = DNS.qname;',
  'if ((event === "DNS_RESPONSE" && DNS.errorNum !== 0) || qname === null',
  '    || qname.endsWith("in-addr.arpa") || qname.endsWith("local") || qname.indexOf(".") === -1) {',
  '    return;',
  '}',
  'var domain = qname.toLowerCase().split(".").slice(-2).join(".");',
  'var score = Session.lookup(domain);',
  'if (score === null) {',
  '    Remote.HTTP("dnsrep").post({path: "/dnsreputation", payload: domain});',
  '} else {',
  '    debug(domain + ":" + score);',
  '    if (parseFloat(score) > 75) {',
  '        Application("DNSReputation").metricAddDetailCount("Bad DNS reputation", domain + ":" + score, 1);',
  '    }',
  '}',
].join('\n');

/** Reputation scores of the test feed; other domains get 50, as in the guide's feed. */
const SCORES: Record<string, number> = { 'evil.example': 90, 'fine.example': 10 };

const EVENTS = [
  dnsRequest('www.EVIL.example', START_MS),
  dnsResponse('www.EVIL.example', {}, START_MS + 3),
  dnsRequest('mail.evil.example', START_MS + 5),
  dnsRequest('www.fine.example', START_MS + 6),
  dnsResponse('www.fine.example', {}, START_MS + 8),
  dnsResponse('gone.example', { error: 'NXDOMAIN', errorNum: 3 }, START_MS + 9),
  dnsRequest('printer', START_MS + 10),
  dnsRequest('10.0.0.10.in-addr.arpa', START_MS + 11),
];

async function runReplay(): Promise<{ rows: MetricRow[]; posted: string[]; output: string[] }> {
  let world: World | undefined;
  const feed = await startServer((request, response) => {
    const domain = request.body;
    // The guide's feed stores the score as a string with a 120 s expiry over memcached.
    const score = String(SCORES[domain] ?? 50);
    world?.table.storeItem(domain, Buffer.from(score), 0, { kind: 'at', atMs: (world?.clock.nowMs() ?? 0) + 120_000 });
    response.end('added to session table');
  });
  world = await createWorld({ targets: { dnsrep: { url: feed.url } } });
  try {
    const file = await world.write('dns-reputation.js', DNS_REPUTATION);
    await world.engine.load([file]);
    await world.engine.fire(EVENTS);
    return {
      rows: world.metrics.rows(),
      posted: feed.received.map((request) => `${request.method} ${request.url} ${request.body}`),
      output: [...world.output],
    };
  } finally {
    await world.close();
    await feed.close();
  }
}

test('DNSReputation: second event sees the score', async () => {
  const { rows, posted, output } = await runReplay();

  assert.deepEqual(posted, ['POST /dnsreputation evil.example', 'POST /dnsreputation fine.example']);
  assert.deepEqual(rows, [{
    source: 'application',
    object: 'DNSReputation',
    metric: 'Bad DNS reputation',
    type: 'count',
    detail: 'evil.example:90',
    value: 2,
  }]);
  assert.deepEqual(output, ['DNSReputation: evil.example:90', 'DNSReputation: fine.example:10']);
});

test('DNSReputation: two replays give one result', async () => {
  const first = await runReplay();
  const second = await runReplay();

  assert.deepEqual(second.rows, first.rows);
  assert.deepEqual(second.posted, first.posted);
});
