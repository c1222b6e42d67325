import { isIP } from 'node:net';
import { buildDnsQuery, buildDnsResponse, type DnsRecordSpec } from './dns-builder.js';
import { replayError } from './errors.js';
import { buildTcpSegments, buildUdpFrames, type Endpoint, type LinkSpec } from './packet-builder.js';

export interface DnsExchangeSpec {
  /** Time of the query, ms since the epoch. */
  timestampMs: number;
  /** "10.0.0.1", "10.0.0.1:40000", "[2001:db8::1]:40000" or an endpoint; port default 40000. */
  client: string | Endpoint;
  /** Default 192.0.2.53:53, or 2001:db8::53 port 53 for an IPv6 client. */
  server?: string | Endpoint;
  name: string;
  /** Question type name or number (default A). */
  type?: string | number;
  id?: number;
  /** Answers; strings are data of the question's type for the question's name. */
  answers?: Array<DnsRecordSpec | string>;
  rcode?: string | number;
  /** Time from query to response (default 1 ms). */
  responseDelayMs?: number;
  /** Leave the query unanswered. */
  unanswered?: boolean;
  transport?: 'UDP' | 'TCP';
  link?: LinkSpec;
}

/** One frame to write, at its capture time. */
export interface TimedFrame {
  timestampMs: number;
  frame: Buffer;
}

/**
 * Frames of one DNS exchange: a query for `name` from `client` and, unless `unanswered`, the
 * server's response with `answers` after `responseDelayMs`. Over TCP each message is one segment.
 */
export function dnsExchangeFrames(spec: DnsExchangeSpec): TimedFrame[] {
  const client = toEndpoint(spec.client, 40000, 'client');
  const server = toEndpoint(spec.server ?? (isIP(client.ip) === 6 ? '[2001:db8::53]:53' : '192.0.2.53:53'), 53, 'server');
  const base = { id: spec.id ?? 0x1234, name: spec.name, type: spec.type ?? 'A' };
  const query = buildDnsQuery(base);
  const frames: TimedFrame[] = [];
  const link = spec.link === undefined ? {} : { link: spec.link };

  const responseAt = spec.timestampMs + (spec.responseDelayMs ?? 1);
  const response = spec.unanswered ? null : buildDnsResponse({ ...base, answers: spec.answers ?? [], rcode: spec.rcode ?? 0 });
  if (spec.transport === 'TCP') {
    frames.push(...buildTcpSegments({ source: client, destination: server, messages: [query], seq: 1000, ...link }).map((frame) => ({ timestampMs: spec.timestampMs, frame })));
    if (response) frames.push(...buildTcpSegments({ source: server, destination: client, messages: [response], seq: 5000, ...link }).map((frame) => ({ timestampMs: responseAt, frame })));
    return frames;
  }

  frames.push(...buildUdpFrames({ source: client, destination: server, payload: query, ...link }).map((frame) => ({ timestampMs: spec.timestampMs, frame })));
  if (response) frames.push(...buildUdpFrames({ source: server, destination: client, payload: response, ...link }).map((frame) => ({ timestampMs: responseAt, frame })));
  return frames;
}

/** Parses "1.2.3.4", "1.2.3.4:53", "2001:db8::1" or "[2001:db8::1]:53" into an endpoint. */
export function toEndpoint(value: string | Endpoint, defaultPort: number, label: string): Endpoint {
  if (typeof value !== 'string') return value;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (bracketed) return { ip: bracketed[1]!, port: bracketed[2] === undefined ? defaultPort : Number(bracketed[2]) };
  if (isIP(value) !== 0) return { ip: value, port: defaultPort };
  const withPort = /^([\d.]+):(\d+)$/.exec(value);
  if (withPort && isIP(withPort[1]!) === 4) return { ip: withPort[1]!, port: Number(withPort[2]) };
  throw replayError('TB_ERR_REPLAY_INVALID_PACKET_SPEC', `Invalid ${label} endpoint ${JSON.stringify(value)}: write "10.0.0.1", "10.0.0.1:40000" or "[2001:db8::1]:40000".`);
}
