import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, sharedCaptures } from './support.js';

test('replay: every shared capture through DNSReputation', async (t) => {
  const dir = sharedCaptures(t);
  if (dir === null) return;
  const captures = readdirSync(dir).filter((name) => /\.pcap(ng)?$/.test(name));
  assert.ok(captures.length >= 15, `expected the 15 shared captures, found ${captures.length}`);

  for (const name of captures) {
    await t.test(name, async () => {
      const result = await runCli(['replay', join(dir, name), '--triggers', 'triggers/dns-reputation.js', '--json', '--quiet', '--log-level', 'error']);
      assert.equal(result.code, 0, `exit status for ${name}; stderr:\n${result.stderr}`);

      const report = JSON.parse(result.stdout);
      const dnsEvents = (report.events.DNS_REQUEST ?? 0) + (report.events.DNS_RESPONSE ?? 0);
      assert.equal(dnsEvents, report.capture.dnsMessages, 'DNS events fired versus DNS messages decoded');
      assert.equal(report.capture.files, 1);
      assert.ok(report.capture.packets > 0, 'packets read');

      const trigger = report.triggers.find((entry: { name: string }) => entry.name === 'DNSReputation');
      assert.ok(trigger, 'DNSReputation is listed');
      assert.equal(trigger.runs, dnsEvents, 'the trigger ran once per DNS event');
      assert.equal(trigger.errors, 0, 'the trigger raised no error');
    });
  }
});

test('replay: broken captures counted as malformed', async (t) => {
  const dir = sharedCaptures(t);
  if (dir === null) return;
  // Three queries whose names are cut short, loop through a compression pointer, or never end.
  const result = await runCli(['replay', join(dir, 'malformed_names_loop_and_overrun.pcap'), '--triggers', 'triggers/dns-reputation.js', '--json', '--quiet']);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.capture.malformed, 3);
  assert.equal(report.capture.dnsMessages, 0);
  assert.equal(report.events.DNS_REQUEST ?? 0, 0);
});
