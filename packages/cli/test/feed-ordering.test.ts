import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runCli, startFeed } from './support.js';

// A trigger that checks, on every DNS event, whether a domain it posted to the feed earlier is in
// the session table now. A miss within 100 s of capture time after the post would mean the replay
// outran the feed; the feed's 120 s expiry cannot have removed the key that soon.
const CHECKING_TRIGGER = `//Name: FeedOrdering
//Events: DNS_REQUEST, DNS_RESPONSE
if (DNS.qname === null || DNS.qname.indexOf('.') === -1) return;
var domain = DNS.qname.toLowerCase().split('.').slice(-2).join('.');
var postedAt = Session.lookup('posted:' + domain);
if (Session.lookup(domain) === null) {
  if (postedAt !== null && getTimestamp() - postedAt < 100000) {
    Network.metricAddDetailCount('miss after post', domain, 1);
  }
  Remote.HTTP('dnsrep').post({ path: '/dnsreputation', payload: domain });
  Session.replace('posted:' + domain, getTimestamp());
  Network.metricAddCount('posts', 1);
} else if (postedAt !== null) {
  Network.metricAddCount('hits after post', 1);
}
`;

test('replay: feed write visible next event', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'triggerbox-ordering-'));
  const triggerFile = join(folder, 'feed-ordering.js');
  writeFileSync(triggerFile, CHECKING_TRIGGER);

  const port = await freePort();
  const feed = await startFeed(`127.0.0.1:${port}`);
  try {
    const result = await runCli(
      ['replay', 'fixtures/dns-reputation-demo.pcap', '--triggers', triggerFile, '--remote', `dnsrep=${feed.url}`,
        '--ingest-port', String(port), '--json', '--quiet', '--log-level', 'warn'],
      { timeoutMs: 120_000 },
    );
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    const value = (metric: string) =>
      report.metrics
        .filter((entry: { metric: string }) => entry.metric === metric)
        .reduce((sum: number, entry: { value: number }) => sum + entry.value, 0);

    assert.ok(value('posts') > 0, 'the trigger posted to the feed');
    assert.ok(value('hits after post') > 0, 'later events found the posted domains');
    assert.equal(value('miss after post'), 0, 'no event ran before the feed had stored its answer');
    assert.equal(report.remote.failed, 0);
  } finally {
    feed.stop();
  }
});
