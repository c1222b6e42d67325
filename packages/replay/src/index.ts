export { replayCaptures, exportCaptureToJsonl, REPLAY_DEFAULTS } from './replay.js';
export type { ReplayOptions, ReplaySession, ReplaySummary } from './replay.js';
export { REPLAY_ERROR_CODES } from './errors.js';
export { FAULT_KINDS } from './faults.js';
export type { FaultKind } from './faults.js';
export { readEventsJsonl, writeEventsJsonl } from './jsonl.js';
export type { InvalidJsonLine } from './jsonl.js';
export { eventToJsonLine } from './jsonl-events.js';
export { PcapWriter } from './pcap-writer.js';
export type { AddPacketOptions, PcapngInterfaceSpec, PcapWriterOptions } from './pcap-writer.js';
export { buildDnsMessage, buildDnsQuery, buildDnsResponse, encodeDnsName } from './dns-builder.js';
export type { DnsMessageSpec, DnsQuerySpec, DnsQuestionSpec, DnsRecordSpec, DnsResponseSpec } from './dns-builder.js';
export {
  buildIpPacket,
  buildTcpControlFrame,
  buildTcpSegment,
  buildTcpSegments,
  buildUdpDatagram,
  buildUdpFrames,
  buildUdpPacket,
  encapsulate,
  fragmentIpPacket,
  linkTypeOf,
  TCP_FLAGS,
} from './packet-builder.js';
export type { Endpoint, IpPacketSpec, LinkSpec, TcpFramesSpec, TcpSegmentSpec, UdpFramesSpec } from './packet-builder.js';
export { dnsExchangeFrames } from './dns-exchange.js';
export type { DnsExchangeSpec, TimedFrame } from './dns-exchange.js';
export { LINK_TYPES } from './link-layer.js';
export { opcodeName, rcodeName, recordTypeName, recordTypeNumber } from './dns-tables.js';
