import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support.js';

function triggerFile(name: string, body: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'triggerbox-broken-'));
  const file = join(folder, name);
  writeFileSync(file, body);
  return file;
}

test('replay: syntax error stops before events', async () => {
  const file = triggerFile('syntax.js', '//Name: SyntaxBroken\n//Events: DNS_REQUEST\nif (DNS.qname {\n');
  const result = await runCli(['replay', 'fixtures/dns-reputation-demo.pcap', '--triggers', file, '--json', '--quiet']);
  assert.equal(result.code, 2);
  assert.equal(result.stdout, '');
  assert.ok(result.stderr.includes(`${file}:3:`), `the message names the file and line: ${result.stderr}`);
  assert.match(result.stderr, /SyntaxBroken/);
  assert.match(result.stderr, /No event was replayed/);
});

test('replay: runtime errors counted, replay goes on', async () => {
  const file = triggerFile(
    'runtime.js',
    '//Name: RuntimeBroken\n//Events: DNS_REQUEST\nif (DNS.qname.endsWith("google.com")) {\n  null.length;\n}\nNetwork.metricAddCount("requests", 1);\n',
  );
  const result = await runCli(['replay', 'fixtures/dns-reputation-demo.pcap', '--triggers', file, '--json', '--quiet']);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  const trigger = report.triggers[0];
  assert.equal(trigger.runs, report.events.DNS_REQUEST);
  assert.ok(trigger.errors > 0, 'the google.com requests raised errors');
  const counted = report.metrics.find((entry: { metric: string }) => entry.metric === 'requests').value;
  assert.equal(counted + trigger.errors, report.events.DNS_REQUEST, 'every request either counted or failed');
  assert.ok(result.stderr.includes(`${file}:4:`), `the error names the file and line: ${result.stderr}`);
  assert.match(result.stderr, /RuntimeBroken/);
});
