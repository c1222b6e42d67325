import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, VirtualClock, type DnsResponseData, type FlowData, type TriggerEvent } from '@triggerbox/core';
import { SessionTable } from '@triggerbox/session-table';
import { MetricSink, type MetricRow } from '@triggerbox/metrics';
import { RemoteHttp, type RemoteTarget } from '@triggerbox/remote';
import { createTriggerEngine, type TriggerEngine } from '../src/index.js';

export const START_MS = 1_700_000_000_000;

/** A trigger engine wired to real components, with its output captured and a temp folder for trigger files. */
export interface World {
  clock: VirtualClock;
  table: SessionTable;
  metrics: MetricSink;
  remote: RemoteHttp;
  engine: TriggerEngine;
  /** Lines written by debug() and log(). */
  output: string[];
  /** Lines written to the engine's logger. */
  logs: string[];
  folder: string;
  /** Writes a trigger file into the temp folder and returns its path. */
  write(fileName: string, text: string): Promise<string>;
  close(): Promise<void>;
}

export interface WorldOptions {
  targets?: Record<string, RemoteTarget>;
  timeoutMs?: number;
  memoryLimitMb?: number;
}

export async function createWorld(options: WorldOptions = {}): Promise<World> {
  const clock = new VirtualClock(START_MS);
  const table = new SessionTable({ clock });
  const metrics = new MetricSink({ clock });
  const remote = new RemoteHttp({ targets: options.targets ?? {}, clock });
  const output: string[] = [];
  const logs: string[] = [];
  const engine = await createTriggerEngine({
    session: table,
    metrics,
    remote,
    clock,
    logger: createLogger({ level: 'debug', write: (line) => logs.push(line) }),
    debugOutput: (line) => output.push(line),
    system: { uuid: 'system-uuid', hostname: 'testhost', ipaddr: '192.0.2.10', version: '9.9.9' },
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.memoryLimitMb === undefined ? {} : { memoryLimitMb: options.memoryLimitMb }),
  });
  const folder = await mkdtemp(join(tmpdir(), 'triggerbox-sandbox-'));

  return {
    clock,
    table,
    metrics,
    remote,
    engine,
    output,
    logs,
    folder,
    async write(fileName, text) {
      const path = join(folder, fileName);
      await writeFile(path, text);
      return path;
    },
    async close() {
      try {
        await engine.close();
        await remote.close();
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },
  };
}

export const FLOW: FlowData = {
  id: 'udp:10.1.2.3:5353-198.51.100.53:53',
  client: { ipaddr: '10.1.2.3', port: 5353 },
  server: { ipaddr: '198.51.100.53', port: 53 },
  ipproto: 'UDP',
  ipver: 'IPv4',
  l7proto: 'DNS',
};

export function dnsRequest(qname: string | null, timestampMs = START_MS, flow: FlowData = FLOW): TriggerEvent {
  return {
    name: 'DNS_REQUEST',
    timestampMs,
    flow,
    dns: {
      qname,
      qtype: 'A',
      qtypeNum: 1,
      opcode: 'QUERY',
      opcodeNum: 0,
      txId: 4660,
      isRecursionDesired: true,
      isCheckingDisabled: false,
      reqBytes: 33,
      reqL2Bytes: 75,
      reqPkts: 1,
      response: null,
    },
  };
}

export function dnsResponse(qname: string, response: Partial<DnsResponseData> = {}, timestampMs = START_MS + 2): TriggerEvent {
  const request = dnsRequest(qname, timestampMs);
  return {
    ...request,
    name: 'DNS_RESPONSE',
    dns: {
      ...(request.dns as NonNullable<TriggerEvent['dns']>),
      response: {
        error: null,
        errorNum: 0,
        answers: [],
        isAuthoritative: false,
        isRecursionAvailable: true,
        isAuthenticData: false,
        isRspTruncated: false,
        processingTime: 2,
        rspBytes: 49,
        rspL2Bytes: 91,
        rspPkts: 1,
        ...response,
      },
    },
  };
}

/** Returns the metric row with these keys, or undefined. */
export function findRow(metrics: MetricSink, metric: string, detail: string | null = null, object?: string): MetricRow | undefined {
  return metrics.rows().find((row) => row.metric === metric && row.detail === detail && (object === undefined || row.object === object));
}
