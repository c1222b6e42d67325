import { createServer, type Server, type Socket } from 'node:net';

import { silentLogger, type Clock, type Logger } from '@triggerbox/core';
import type { SessionTable } from '@triggerbox/session-table';

import { Connection } from './connection.js';
import { memcachedError } from './errors.js';
import { FlushScheduler } from './flush-scheduler.js';
import { ItemOperations } from './item-operations.js';
import { resolveLimits, type MemcachedLimits } from './limits.js';
import type { ProtocolContext } from './protocol-context.js';
import { ServerCounters, generalStats, settingsStats, type MemcachedServerStats, type StatsSource } from './stats.js';
import { UdpListener } from './udp.js';

export const DEFAULT_MEMCACHED_HOST = '127.0.0.1';
export const DEFAULT_MEMCACHED_PORT = 11211;

/**
 * Version reported to clients. memcapable and some clients change behaviour by version, and
 * this server behaves like memcached 1.4.39.
 */
export const DEFAULT_MEMCACHED_VERSION = '1.4.39';

/** How long `close()` lets connections finish their current command before cutting them. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 5_000;

const REJECTED_CONNECTION_REPLY = 'ERROR Too many open connections\r\n';
const REJECTION_LOG_INTERVAL_MS = 30_000;

/**
 * Computes how often to check for idle connections: a quarter of the timeout, between 10 ms and
 * 1 s, so an idle connection closes at most that much later than `idleTimeoutMs`. One timer for
 * all connections costs less than a socket timer refreshed on every read and write.
 */
function idleSweepIntervalMs(idleTimeoutMs: number): number {
  return Math.min(1_000, Math.max(10, Math.floor(idleTimeoutMs / 4)));
}

export interface MemcachedServerOptions {
  table: SessionTable;
  /** Time source for expiry and `stats` times; a VirtualClock during replays. */
  clock: Clock;
  logger?: Logger;
  /** Address to listen on; 127.0.0.1 by default because the protocol has no authentication. */
  host?: string;
  /** TCP port, 11211 by default; 0 picks a free port. */
  port?: number;
  /** UDP port; UDP is off unless this is given. 0 picks a free port. */
  udpPort?: number;
  limits?: Partial<MemcachedLimits>;
  /** Version string for `version` and `stats`; printable ASCII without spaces. */
  version?: string;
}

export interface MemcachedServerAddress {
  host: string;
  port: number;
  udpPort: number | null;
}

export interface MemcachedServer {
  readonly address: MemcachedServerAddress;
  readonly limits: Readonly<MemcachedLimits>;
  stats(): MemcachedServerStats;
  /**
   * Stops accepting connections and datagrams, lets each connection finish the command it is
   * receiving and send its replies, then closes it. Connections still open after
   * `drainTimeoutMs` (default 5000) are cut.
   */
  close(options?: { drainTimeoutMs?: number }): Promise<void>;
}

interface ParsedOptions {
  host: string;
  port: number;
  udpPort: number | null;
  version: string;
  limits: MemcachedLimits;
}

function invalidOption(message: string): never {
  throw memcachedError('TB_ERR_MEMCACHED_INVALID_OPTION', message);
}

function parsePort(name: string, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65_535) return value;
  return invalidOption(`Memcached option ${name} is ${String(value)}; use an integer port from 0 to 65535 (0 picks a free port).`);
}

function parseOptions(options: MemcachedServerOptions): ParsedOptions {
  if (typeof options.table?.getItem !== 'function') invalidOption('Memcached option table is missing; pass a SessionTable.');
  if (typeof options.clock?.nowMs !== 'function') invalidOption('Memcached option clock is missing; pass a Clock such as SystemClock.');

  const host = options.host ?? DEFAULT_MEMCACHED_HOST;
  if (typeof host !== 'string' || host.length === 0) {
    invalidOption(`Memcached option host is ${JSON.stringify(host)}; use an IP address or host name such as 127.0.0.1.`);
  }
  const version = options.version ?? DEFAULT_MEMCACHED_VERSION;
  if (typeof version !== 'string' || !/^[\x21-\x7e]{1,64}$/.test(version)) {
    invalidOption(`Memcached option version is ${JSON.stringify(version)}; use 1 to 64 printable ASCII characters without spaces, such as 1.4.39.`);
  }

  return {
    host,
    port: parsePort('port', options.port ?? DEFAULT_MEMCACHED_PORT),
    udpPort: options.udpPort === undefined ? null : parsePort('udpPort', options.udpPort),
    version,
    limits: resolveLimits(options.limits),
  };
}

async function listenTcp(server: Server, host: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(
        memcachedError(
          'TB_ERR_MEMCACHED_LISTEN_FAILED',
          `Listening for memcached on ${host} port ${port} failed: ${error.message}. Choose another port, or 0 for any free port.`,
          { cause: error },
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Starts the memcached 1.4 server (text and binary on one TCP port, optionally UDP) on `table`. */
export async function startMemcachedServer(options: MemcachedServerOptions): Promise<MemcachedServer> {
  const parsed = parseOptions(options);
  const logger = options.logger ?? silentLogger;
  const { table, clock } = options;
  const counters = new ServerCounters();
  const connections = new Set<Connection>();
  const flushScheduler = new FlushScheduler();
  let nextConnectionId = 1;

  const address: MemcachedServerAddress = { host: parsed.host, port: parsed.port, udpPort: null };
  const statsSource: StatsSource = {
    clock,
    startedAtMs: clock.nowMs(),
    version: parsed.version,
    get tcpPort() {
      return address.port;
    },
    get udpPort() {
      return address.udpPort;
    },
    currConnections: () => connections.size,
    counters,
    table,
    limits: parsed.limits,
  };
  const ctx: ProtocolContext = {
    clock,
    ops: new ItemOperations(table, counters, parsed.limits.maxItemBytes),
    counters,
    limits: parsed.limits,
    version: parsed.version,
    statsGroup: (group) => {
      if (group === '') return generalStats(statsSource);
      if (group === 'settings') return settingsStats(statsSource);
      return null;
    },
    resetStats: () => counters.reset(),
  };

  let rejectionLoggedAtMs = Number.NEGATIVE_INFINITY;
  let rejectedSinceLog = 0;
  const onConnection = (socket: Socket): void => {
    if (connections.size >= parsed.limits.maxConnections) {
      counters.rejectedConnections++;
      rejectedSinceLog++;
      // One line per 30 s at most, so a flood of clients does not flood the log.
      const nowMs = performance.now();
      if (nowMs - rejectionLoggedAtMs >= REJECTION_LOG_INTERVAL_MS) {
        logger.warn('memcached connections rejected, too many open connections', {
          client: socket.remoteAddress,
          rejected: rejectedSinceLog,
          maxConnections: parsed.limits.maxConnections,
        });
        rejectionLoggedAtMs = nowMs;
        rejectedSinceLog = 0;
      }
      socket.on('error', () => {});
      socket.end(REJECTED_CONNECTION_REPLY);
      return;
    }
    counters.totalConnections++;
    const connection = new Connection(nextConnectionId++, socket, ctx, logger, flushScheduler);
    connections.add(connection);
    socket.once('close', () => connections.delete(connection));
  };

  const tcpServer = createServer({ noDelay: true }, onConnection);
  await listenTcp(tcpServer, parsed.host, parsed.port);
  const bound = tcpServer.address();
  if (bound !== null && typeof bound === 'object') address.port = bound.port;

  let udp: UdpListener | null = null;
  if (parsed.udpPort !== null) {
    try {
      udp = await UdpListener.listen(parsed.host, parsed.udpPort, ctx, logger);
    } catch (error) {
      await new Promise<void>((resolve) => tcpServer.close(() => resolve()));
      throw error;
    }
    address.udpPort = udp.port;
  }
  const idleSweep =
    parsed.limits.idleTimeoutMs > 0
      ? setInterval(() => {
          const nowMs = performance.now();
          for (const connection of connections) connection.closeIfIdle(nowMs);
        }, idleSweepIntervalMs(parsed.limits.idleTimeoutMs)).unref()
      : null;
  logger.info('memcached server listening', { host: address.host, port: address.port, udpPort: address.udpPort ?? 'off' });

  let closing: Promise<void> | null = null;
  const close = async (drainTimeoutMs: number): Promise<void> => {
    if (idleSweep !== null) clearInterval(idleSweep);
    const stopped = new Promise<void>((resolve) => tcpServer.close(() => resolve()));
    if (udp !== null) await udp.close();
    for (const connection of connections) connection.drain();

    const timer = setTimeout(() => {
      if (connections.size > 0) {
        logger.warn('memcached connections still busy after the drain timeout, closing them', {
          connections: connections.size,
          drainTimeoutMs,
        });
      }
      for (const connection of connections) connection.destroy();
    }, drainTimeoutMs);
    try {
      await Promise.all([...connections].map((connection) => connection.closed));
      await stopped;
    } finally {
      clearTimeout(timer);
    }
    logger.info('memcached server closed', { host: address.host, port: address.port });
  };

  return {
    address,
    limits: parsed.limits,
    stats: () => ({
      uptimeSeconds: Math.max(0, Math.floor((clock.nowMs() - statsSource.startedAtMs) / 1000)),
      currConnections: connections.size,
      counters: { ...counters },
      table: table.stats(),
      limits: parsed.limits,
    }),
    close: (closeOptions = {}) => {
      const drainTimeoutMs = closeOptions.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
      if (!Number.isInteger(drainTimeoutMs) || drainTimeoutMs < 0) {
        return Promise.reject(
          memcachedError(
            'TB_ERR_MEMCACHED_INVALID_OPTION',
            `close() option drainTimeoutMs is ${String(drainTimeoutMs)}; use an integer number of milliseconds >= 0.`,
          ),
        );
      }
      closing ??= close(drainTimeoutMs);
      return closing;
    },
  };
}
