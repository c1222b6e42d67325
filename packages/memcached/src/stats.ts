import type { Clock } from '@triggerbox/core';
import type { SessionTable } from '@triggerbox/session-table';

import type { MemcachedLimits } from './limits.js';

/** Counters of one server, named as memcached's `stats` fields in camel case. */
export class ServerCounters {
  cmdGet = 0;
  cmdSet = 0;
  cmdFlush = 0;
  cmdTouch = 0;
  getHits = 0;
  getMisses = 0;
  deleteHits = 0;
  deleteMisses = 0;
  incrHits = 0;
  incrMisses = 0;
  decrHits = 0;
  decrMisses = 0;
  casHits = 0;
  casMisses = 0;
  casBadval = 0;
  touchHits = 0;
  touchMisses = 0;
  bytesRead = 0;
  bytesWritten = 0;
  /** Successful stores through this server (memcached's `total_items`). */
  totalItems = 0;
  totalConnections = 0;
  rejectedConnections = 0;
  /** Connections closed by the idle timeout. */
  idleKicks = 0;
  /** Connections closed for holding more than `maxBufferBytes` of input. */
  bufferKicks = 0;
  /** Text connections closed for a non-retrieval line over 1024 bytes. */
  longLineKicks = 0;
  /** Binary connections closed for a framing error (bad magic, lengths, key over 250 bytes). */
  protocolKicks = 0;
  /** UDP requests dropped: shorter than a frame header or spread over several datagrams. */
  udpDropped = 0;

  /** Zeroes every counter, for `stats reset`. */
  reset(): void {
    Object.assign(this, new ServerCounters());
  }
}

/** Everything `stats` reports, for the `MemcachedServer.stats()` API. */
export interface MemcachedServerStats {
  uptimeSeconds: number;
  currConnections: number;
  counters: Readonly<Omit<ServerCounters, 'reset'>>;
  table: ReturnType<SessionTable['stats']>;
  limits: Readonly<MemcachedLimits>;
}

/** What the stats renderers read from the running server. */
export interface StatsSource {
  clock: Clock;
  startedAtMs: number;
  version: string;
  tcpPort: number;
  udpPort: number | null;
  currConnections(): number;
  counters: ServerCounters;
  table: SessionTable;
  limits: MemcachedLimits;
}

export type StatLine = readonly [name: string, value: string];

function seconds(microseconds: number): string {
  const whole = Math.floor(microseconds / 1_000_000);
  const fraction = String(microseconds % 1_000_000).padStart(6, '0');
  return `${whole}.${fraction}`;
}

/**
 * The lines of a plain `stats`, in memcached 1.4.39's order, followed by the limits and the
 * counters this server adds. Fields without a meaning here (slab allocator, hash table, LRU
 * crawler, logger) are 0, so clients that parse every 1.4 field still find them.
 */
export function generalStats(source: StatsSource): StatLine[] {
  const nowMs = source.clock.nowMs();
  const counters = source.counters;
  const table = source.table.stats();
  const cpu = process.cpuUsage();
  const connections = source.currConnections();

  const lines: Array<[string, number | string]> = [
    ['pid', process.pid],
    ['uptime', Math.max(0, Math.floor((nowMs - source.startedAtMs) / 1000))],
    ['time', Math.floor(nowMs / 1000)],
    ['version', source.version],
    ['libevent', `libuv-${process.versions.uv}`],
    ['pointer_size', 64],
    ['rusage_user', seconds(cpu.user)],
    ['rusage_system', seconds(cpu.system)],
    ['curr_connections', connections],
    ['total_connections', counters.totalConnections],
    ['connection_structures', connections],
    ['reserved_fds', 0],
    ['cmd_get', counters.cmdGet],
    ['cmd_set', counters.cmdSet],
    ['cmd_flush', counters.cmdFlush],
    ['cmd_touch', counters.cmdTouch],
    ['get_hits', counters.getHits],
    ['get_misses', counters.getMisses],
    ['get_expired', 0],
    ['get_flushed', 0],
    ['delete_misses', counters.deleteMisses],
    ['delete_hits', counters.deleteHits],
    ['incr_misses', counters.incrMisses],
    ['incr_hits', counters.incrHits],
    ['decr_misses', counters.decrMisses],
    ['decr_hits', counters.decrHits],
    ['cas_misses', counters.casMisses],
    ['cas_hits', counters.casHits],
    ['cas_badval', counters.casBadval],
    ['touch_hits', counters.touchHits],
    ['touch_misses', counters.touchMisses],
    ['auth_cmds', 0],
    ['auth_errors', 0],
    ['bytes_read', counters.bytesRead],
    ['bytes_written', counters.bytesWritten],
    ['limit_maxbytes', 0],
    ['accepting_conns', 1],
    ['listen_disabled_num', 0],
    ['time_in_listen_disabled_us', 0],
    ['threads', 1],
    ['conn_yields', 0],
    ['hash_power_level', 0],
    ['hash_bytes', 0],
    ['hash_is_expanding', 0],
    ['malloc_fails', 0],
    ['log_worker_dropped', 0],
    ['log_worker_written', 0],
    ['log_watcher_skipped', 0],
    ['log_watcher_sent', 0],
    ['bytes', table.bytes],
    ['curr_items', table.currItems],
    ['total_items', counters.totalItems],
    ['expired_unfetched', 0],
    ['evicted_unfetched', 0],
    ['evictions', table.evictions],
    ['reclaimed', table.expired],
    ['crawler_reclaimed', 0],
    ['crawler_items_checked', 0],
    ['lrutail_reflocked', 0],
    // Limits and defences of this server (not in memcached 1.4).
    ['limit_maxitems', table.capacity],
    ['max_connections', source.limits.maxConnections],
    ['idle_timeout_ms', source.limits.idleTimeoutMs],
    ['max_buffer_bytes', source.limits.maxBufferBytes],
    ['max_output_bytes', source.limits.maxOutputBytes],
    ['max_item_bytes', source.limits.maxItemBytes],
    ['rejected_connections', counters.rejectedConnections],
    ['idle_kicks', counters.idleKicks],
    ['buffer_kicks', counters.bufferKicks],
    ['long_line_kicks', counters.longLineKicks],
    ['protocol_kicks', counters.protocolKicks],
    ['udp_dropped', counters.udpDropped],
  ];
  return lines.map(([name, value]) => [name, String(value)] as const);
}

/** The lines of `stats settings`, with memcached 1.4's names for the settings this server has. */
export function settingsStats(source: StatsSource): StatLine[] {
  const limits = source.limits;
  const lines: Array<[string, number | string]> = [
    ['maxbytes', 0],
    ['maxconns', limits.maxConnections],
    ['tcpport', source.tcpPort],
    ['udpport', source.udpPort ?? 0],
    ['evictions', 'on'],
    ['cas_enabled', 'yes'],
    ['item_size_max', limits.maxItemBytes],
    ['idle_timeout', Math.ceil(limits.idleTimeoutMs / 1000)],
    ['flush_enabled', 'no'],
    ['binding_protocol', 'auto-negotiate'],
    ['num_threads', 1],
  ];
  return lines.map(([name, value]) => [name, String(value)] as const);
}
