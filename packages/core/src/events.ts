/**
 * Event data that crosses package boundaries. Every type here is plain data (structured-clone
 * safe, no classes, no functions) because it is copied into isolates.
 */

export type EventName =
  | 'DNS_REQUEST'
  | 'DNS_RESPONSE'
  | 'SESSION_EXPIRE'
  | 'TIMER_30SEC'
  | 'REMOTE_RESPONSE';

export const EVENT_NAMES: readonly EventName[] = [
  'DNS_REQUEST',
  'DNS_RESPONSE',
  'SESSION_EXPIRE',
  'TIMER_30SEC',
  'REMOTE_RESPONSE',
];

export interface FlowEndpoint {
  /** Textual IP address: dotted IPv4 or RFC 5952 IPv6. */
  ipaddr: string;
  port: number;
}

/** The `Flow` of an event: the client is the side that sent the DNS request. */
export interface FlowData {
  /** Stable identifier of the flow (addresses, ports, protocol), used to keep `Flow.store`. */
  id: string;
  client: FlowEndpoint;
  server: FlowEndpoint;
  ipproto: 'UDP' | 'TCP';
  ipver: 'IPv4' | 'IPv6';
  l7proto: string;
}

/** One resource record of `DNS.answers`. */
export interface DnsAnswerData {
  name: string;
  ttl: number;
  /** Record type name such as `A`, or `OTHER` when unknown. */
  type: string;
  typeNum: number;
  /**
   * The record data: a textual address for A and AAAA (the sandbox wraps it in `IPAddress`),
   * a string for NS, PTR, CNAME, MX, SRV, SOA and TXT, and null for other types.
   */
  data: string | null;
}

/** Properties of `DNS` that exist only on DNS_RESPONSE events. */
export interface DnsResponseData {
  /** Response-code name such as `NXDOMAIN`, or null for NOERROR. */
  error: string | null;
  errorNum: number;
  answers: DnsAnswerData[];
  isAuthoritative: boolean;
  isRecursionAvailable: boolean;
  isAuthenticData: boolean;
  isRspTruncated: boolean;
  /** Milliseconds between request and response; NaN when no request was seen. */
  processingTime: number;
  rspBytes: number;
  rspL2Bytes: number;
  rspPkts: number;
}

/** The `DNS` object of DNS_REQUEST and DNS_RESPONSE events. */
export interface DnsEventData {
  /** Query name in wire case with control bytes escaped as `\DDD`; null with no question. */
  qname: string | null;
  /** Query type name, `OTHER` when unknown, null with no question. */
  qtype: string | null;
  qtypeNum: number | null;
  opcode: string;
  opcodeNum: number;
  txId: number;
  isRecursionDesired: boolean;
  isCheckingDisabled: boolean;
  /** Request sizes; on a response they come from the paired request, or 0 when unpaired. */
  reqBytes: number;
  reqL2Bytes: number;
  reqPkts: number;
  /** Present on DNS_RESPONSE only; reading its fields on a request throws in the sandbox. */
  response: DnsResponseData | null;
}

/** One key of `Session.expiredKeys`. */
export interface ExpiredKeyData {
  name: string;
  value: unknown;
  /** Milliseconds since the key was added or its `expire` last changed. */
  age: number;
}

/** `Remote.response` on REMOTE_RESPONSE events. */
export interface RemoteResponseData {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  context: unknown;
}

/** One event to fire into triggers. */
export interface TriggerEvent {
  name: EventName;
  /** Time of the packet or tick behind the event, ms since the epoch (may carry a fraction). */
  timestampMs: number;
  flow?: FlowData;
  dns?: DnsEventData;
  expiredKeys?: ExpiredKeyData[];
  remoteResponse?: RemoteResponseData;
}
