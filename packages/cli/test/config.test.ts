import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseRemoteOption, parseSpeed, validateConfig } from '../src/config.js';
import { runCli } from './support.js';

function configError(action: () => unknown): { code: string; message: string } {
  try {
    action();
  } catch (error) {
    return error as { code: string; message: string };
  }
  assert.fail('expected an error');
}

test('config: unknown key lists valid keys', () => {
  const error = configError(() => validateConfig({ remote: {} }, 'test.json'));
  assert.equal(error.code, 'TB_ERR_CLI_CONFIG_INVALID');
  assert.match(error.message, /in test\.json: remote: unknown key/);
  assert.match(error.message, /valid keys are triggers, remotes, sessionCapacity/);
});

test('config: remote target needs http URL', () => {
  const error = configError(() => validateConfig({ remotes: { feed: { url: 'ftp://x' } } }, 'c.json'));
  assert.equal(error.code, 'TB_ERR_CLI_CONFIG_INVALID');
  assert.match(error.message, /in c\.json: remotes\.feed\.url/);
  assert.match(error.message, /ftp:\/\/x/);
});

test('config: valid file accepted', () => {
  const folder = mkdtempSync(join(tmpdir(), 'triggerbox-config-'));
  const file = join(folder, 'triggerbox.json');
  writeFileSync(file, JSON.stringify({ remotes: { dnsrep: { url: 'http://127.0.0.1:9', timeoutMs: 500 } }, sessionCapacity: 10 }));
  const config = loadConfig(file);
  assert.equal(config.remotes?.dnsrep?.url, 'http://127.0.0.1:9');
  assert.equal(config.sessionCapacity, 10);
});

test('config: broken JSON named', () => {
  const folder = mkdtempSync(join(tmpdir(), 'triggerbox-config-'));
  const file = join(folder, 'broken.json');
  writeFileSync(file, '{"remotes": ');
  const error = configError(() => loadConfig(file));
  assert.equal(error.code, 'TB_ERR_CLI_CONFIG_INVALID');
  assert.ok(error.message.includes(file));
});

test('options: --remote and --speed parsing', () => {
  assert.deepEqual(parseRemoteOption('dnsrep=http://127.0.0.1:8080'), ['dnsrep', { url: 'http://127.0.0.1:8080' }]);
  assert.equal(configError(() => parseRemoteOption('dnsrep')).code, 'TB_ERR_CLI_INVALID_OPTION');
  assert.equal(configError(() => parseRemoteOption('dnsrep=127.0.0.1:8080')).code, 'TB_ERR_CLI_INVALID_OPTION');
  assert.match(configError(() => parseRemoteOption('dnsrep=http://')).message, /http:\/\/HOST:PORT/);
  assert.equal(parseSpeed('max'), Infinity);
  assert.equal(parseSpeed('2.5'), 2.5);
  assert.match(configError(() => parseSpeed('fast')).message, /"fast"/);
  assert.equal(configError(() => parseSpeed('0')).code, 'TB_ERR_CLI_INVALID_OPTION');
});

test('cli: bad option exits 2 with message', async () => {
  const result = await runCli(['replay', 'fixtures/dns-reputation-demo.pcap', '--triggers', 'triggers', '--speed', 'fast']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /Invalid --speed "fast"/);
  assert.match(result.stderr, /TB_ERR_CLI_INVALID_OPTION/);
  assert.equal(result.stdout, '');
});

test('cli: missing capture file reported', async () => {
  const result = await runCli(['replay', 'fixtures/no-such-capture.pcap', '--triggers', 'triggers', '--quiet']);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /no-such-capture\.pcap/);
});
