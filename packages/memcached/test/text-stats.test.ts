import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { RawClient, TEST_START_MS, startTestServer, type TestServer } from './helpers.js';

/** memcached 1.4.39's plain `stats` fields in order, as captured from the real server. */
const FIELDS_1_4_39 = `pid uptime time version libevent pointer_size rusage_user rusage_system
curr_connections total_connections connection_structures reserved_fds
cmd_get cmd_set cmd_flush cmd_touch get_hits get_misses get_expired
get_flushed delete_misses delete_hits incr_misses incr_hits decr_misses
decr_hits cas_misses cas_hits cas_badval touch_hits touch_misses auth_cmds
auth_errors bytes_read bytes_written limit_maxbytes accepting_conns
listen_disabled_num time_in_listen_disabled_us threads conn_yields
hash_power_level hash_bytes hash_is_expanding malloc_fails
log_worker_dropped log_worker_written log_watcher_skipped log_watcher_sent
bytes curr_items total_items expired_unfetched evicted_unfetched evictions
reclaimed crawler_reclaimed crawler_items_checked lrutail_reflocked`.split(/\s+/);

async function readStats(client: RawClient, group = ''): Promise<Map<string, string>> {
  const reply = await client.text(group === '' ? 'stats\r\n' : `stats ${group}\r\n`);
  assert.ok(reply.endsWith('END\r\n'), `stats reply ends with END: ${JSON.stringify(reply.slice(-40))}`);
  const stats = new Map<string, string>();
  for (const line of reply.slice(0, -'END\r\n'.length).split('\r\n')) {
    if (line === '') continue;
    const match = /^STAT (\S+) (.*)$/.exec(line);
    assert.ok(match, `stats line ${JSON.stringify(line)}`);
    stats.set(match[1]!, match[2]!);
  }
  return stats;
}

describe('stats', () => {
  let harness: TestServer;
  let client: RawClient;

  before(async () => {
    harness = await startTestServer({ limits: { maxConnections: 77, idleTimeoutMs: 123_000 } });
    client = await RawClient.connect(harness.port);
  });

  after(async () => {
    client.close();
    await harness.close();
  });

  test('stats: 1.4.39 fields in order', async () => {
    const names = [...(await readStats(client)).keys()];
    assert.deepEqual(names.slice(0, FIELDS_1_4_39.length), FIELDS_1_4_39);
  });

  test('stats: values clients read', async () => {
    harness.clock.advance(42_000);
    const stats = await readStats(client);
    assert.equal(stats.get('pid'), String(process.pid));
    assert.equal(stats.get('uptime'), '42');
    assert.equal(stats.get('time'), String(Math.floor((TEST_START_MS + 42_000) / 1000)));
    assert.equal(stats.get('version'), '1.4.39');
    assert.equal(stats.get('pointer_size'), '64');
    assert.match(stats.get('rusage_user')!, /^\d+\.\d{6}$/);
    assert.match(stats.get('rusage_system')!, /^\d+\.\d{6}$/);
    assert.equal(stats.get('curr_connections'), '1');
    assert.equal(stats.get('threads'), '1');
  });

  test('stats: limits are reported', async () => {
    const stats = await readStats(client);
    assert.equal(stats.get('max_connections'), '77');
    assert.equal(stats.get('idle_timeout_ms'), '123000');
    assert.equal(stats.get('max_item_bytes'), '1048576');
    assert.equal(stats.get('max_buffer_bytes'), String(1024 * 1024 + 64 * 1024));
    assert.equal(stats.get('max_output_bytes'), String(1024 * 1024));
    assert.equal(stats.get('limit_maxitems'), '100000');
    for (const counter of ['rejected_connections', 'idle_kicks', 'buffer_kicks', 'long_line_kicks', 'protocol_kicks']) {
      assert.equal(stats.get(counter), '0', counter);
    }
  });

  test('stats: counters per key and outcome', async () => {
    const before = await readStats(client);
    const request =
      'set s1 0 0 1\r\na\r\nadd s1 0 0 1\r\nb\r\nset s2 0 0 1\r\nc\r\nget s1 s2 s3\r\ngets s1\r\n' +
      'delete s2\r\ndelete s2\r\nincr s1 1\r\nset n 0 0 1\r\n1\r\nincr n 1\r\ndecr n 1\r\ndecr zz 1\r\n' +
      'touch n 0\r\ntouch zz 0\r\ncas n 0 0 1 1\r\nx\r\ncas zz 0 0 1 1\r\nx\r\nflush_all\r\n';
    await client.text(request);
    const after = await readStats(client);
    const delta = (name: string): number => Number(after.get(name)) - Number(before.get(name));

    assert.equal(delta('cmd_get'), 4);
    assert.equal(delta('get_hits'), 3);
    assert.equal(delta('get_misses'), 1);
    assert.equal(delta('cmd_set'), 6);
    assert.equal(delta('total_items'), 3);
    assert.equal(delta('delete_hits'), 1);
    assert.equal(delta('delete_misses'), 1);
    assert.equal(delta('incr_hits'), 1);
    assert.equal(delta('decr_hits'), 1);
    assert.equal(delta('decr_misses'), 1);
    assert.equal(delta('cmd_touch'), 2);
    assert.equal(delta('touch_hits'), 1);
    assert.equal(delta('touch_misses'), 1);
    assert.equal(delta('cas_badval'), 1);
    assert.equal(delta('cas_misses'), 1);
    assert.equal(delta('cmd_flush'), 1);
    assert.equal(after.get('curr_items'), String(harness.table.stats().currItems));
    assert.ok(delta('bytes_read') >= request.length);
  });

  test('stats: unknown groups give ERROR', async () => {
    const reply = await client.text('stats noreply\r\nstats items\r\nstats slabs\r\nstats sizes\r\nstats bogus\r\nstats detail dump\r\n');
    assert.equal(reply, 'ERROR\r\n'.repeat(6));
  });

  test('stats: settings group', async () => {
    const settings = await readStats(client, 'settings');
    assert.equal(settings.get('maxconns'), '77');
    assert.equal(settings.get('tcpport'), String(harness.port));
    assert.equal(settings.get('item_size_max'), '1048576');
    assert.equal(settings.get('flush_enabled'), 'no');
  });

  test('stats: reset zeroes counters', async () => {
    await client.text('get anything\r\n');
    assert.equal(await client.text('stats reset\r\n'), 'RESET\r\n');
    const stats = await readStats(client);
    assert.equal(stats.get('cmd_get'), '0');
    assert.equal(stats.get('get_misses'), '0');
  });

  test('stats: API matches the wire', async () => {
    await client.text('get apikey\r\n');
    const api = harness.server.stats();
    const wire = await readStats(client);
    assert.equal(String(api.counters.cmdGet), wire.get('cmd_get'));
    assert.equal(api.limits.maxConnections, 77);
    assert.equal(api.currConnections, 1);
    assert.equal(String(api.table.currItems), wire.get('curr_items'));
  });
});
