import { replayError } from './errors.js';
import { parseIpAddress } from './ip-address.js';
import { LINK_TYPES } from './link-layer.js';

/** An IP address and port. */
export interface Endpoint {
  ip: string;
  port: number;
}

/** Link-layer framing below IP; the default is Ethernet. */
export type LinkSpec =
  | { type: 'ethernet'; vlanIds?: number[]; qinq?: boolean }
  | { type: 'linux-sll' }
  | { type: 'linux-sll2' }
  | { type: 'raw' }
  | { type: 'ipv4' }
  | { type: 'ipv6' }
  | { type: 'null'; byteOrder?: 'little' | 'big' }
  | { type: 'loop' };

export interface IpPacketSpec {
  source: string;
  destination: string;
  /** 17 for UDP, 6 for TCP. */
  protocol: number;
  payload: Uint8Array;
  /** IPv4 identification (default 0). */
  identification?: number;
  ttl?: number;
  /**
   * IPv6 extension headers to put before the payload, by type: hop-by-hop (0), routing (43),
   * destination options (60). Each is 8 bytes of padding options.
   */
  extensionHeaders?: number[];
}

export interface UdpFramesSpec {
  source: Endpoint;
  destination: Endpoint;
  payload: Uint8Array;
  link?: LinkSpec;
  identification?: number;
  extensionHeaders?: number[];
  /** Fragment the IP packet so that each fragment carries at most this many payload bytes (a multiple of 8). */
  fragmentPayloadBytes?: number;
}

export interface TcpSegmentSpec {
  source: Endpoint;
  destination: Endpoint;
  seq: number;
  ack?: number;
  /** TCP flags byte; default PSH|ACK (0x18). */
  flags?: number;
  payload?: Uint8Array;
}

export interface TcpFramesSpec {
  source: Endpoint;
  destination: Endpoint;
  /** DNS messages; each is sent after its 2-byte length prefix. */
  messages: Uint8Array[];
  /** Sequence number of the first stream byte (default 1000). */
  seq?: number;
  /** Stream offsets at which a new segment starts, e.g. [1] splits after the first byte. */
  splitAt?: number[];
  /** Largest segment payload when `splitAt` is not given (default: one segment). */
  segmentPayloadBytes?: number;
  link?: LinkSpec;
}

export const TCP_FLAGS = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

/** LINKTYPE_ number of a link spec, for the capture header. */
export function linkTypeOf(link: LinkSpec = { type: 'ethernet' }): number {
  switch (link.type) {
    case 'ethernet':
      return LINK_TYPES.ETHERNET;
    case 'linux-sll':
      return LINK_TYPES.LINUX_SLL;
    case 'linux-sll2':
      return LINK_TYPES.LINUX_SLL2;
    case 'raw':
      return LINK_TYPES.RAW;
    case 'ipv4':
      return LINK_TYPES.IPV4;
    case 'ipv6':
      return LINK_TYPES.IPV6;
    case 'null':
      return LINK_TYPES.NULL;
    case 'loop':
      return LINK_TYPES.LOOP;
  }
}

/** Builds an IPv4 or IPv6 packet (the version follows the address text). */
export function buildIpPacket(spec: IpPacketSpec): Buffer {
  const source = address(spec.source);
  const destination = address(spec.destination);
  if (source.length !== destination.length) invalid(`source ${spec.source} and destination ${spec.destination} are of different IP versions`);

  if (source.length === 4) {
    const packet = Buffer.alloc(20 + spec.payload.length);
    if (packet.length > 0xffff) invalid(`an IPv4 packet of ${packet.length} bytes is over 65,535`);
    packet[0] = 0x45;
    packet.writeUInt16BE(packet.length, 2);
    packet.writeUInt16BE(spec.identification ?? 0, 4);
    packet[8] = spec.ttl ?? 64;
    packet[9] = spec.protocol;
    packet.set(source, 12);
    packet.set(destination, 16);
    packet.writeUInt16BE(checksum(packet.subarray(0, 20)), 10);
    packet.set(spec.payload, 20);
    return packet;
  }

  const extensions = spec.extensionHeaders ?? [];
  const extensionBytes = extensions.length * 8;
  const packet = Buffer.alloc(40 + extensionBytes + spec.payload.length);
  packet[0] = 0x60;
  packet.writeUInt16BE(extensionBytes + spec.payload.length, 4);
  packet[6] = extensions[0] ?? spec.protocol;
  packet[7] = spec.ttl ?? 64;
  packet.set(source, 8);
  packet.set(destination, 24);
  extensions.forEach((_, index) => {
    const at = 40 + index * 8;
    packet[at] = extensions[index + 1] ?? spec.protocol;
    packet[at + 1] = 0;
    // PadN option filling the 6 remaining bytes (RFC 8200 section 4.2).
    packet[at + 2] = 1;
    packet[at + 3] = 4;
  });
  packet.set(spec.payload, 40 + extensionBytes);
  return packet;
}

/** Builds a UDP datagram with its checksum over the IPv4 or IPv6 pseudo-header. */
export function buildUdpDatagram(source: Endpoint, destination: Endpoint, payload: Uint8Array): Buffer {
  const datagram = Buffer.alloc(8 + payload.length);
  datagram.writeUInt16BE(port(source.port), 0);
  datagram.writeUInt16BE(port(destination.port), 2);
  datagram.writeUInt16BE(datagram.length, 4);
  datagram.set(payload, 8);
  const sum = transportChecksum(source.ip, destination.ip, 17, datagram);
  datagram.writeUInt16BE(sum === 0 ? 0xffff : sum, 6);
  return datagram;
}

/** Builds a TCP segment with a 20-byte header and its checksum. */
export function buildTcpSegment(spec: TcpSegmentSpec): Buffer {
  const payload = spec.payload ?? new Uint8Array(0);
  const segment = Buffer.alloc(20 + payload.length);
  segment.writeUInt16BE(port(spec.source.port), 0);
  segment.writeUInt16BE(port(spec.destination.port), 2);
  segment.writeUInt32BE(spec.seq >>> 0, 4);
  segment.writeUInt32BE((spec.ack ?? 0) >>> 0, 8);
  segment[12] = 5 << 4;
  segment[13] = spec.flags ?? TCP_FLAGS.PSH | TCP_FLAGS.ACK;
  segment.writeUInt16BE(65535, 14);
  segment.set(payload, 20);
  segment.writeUInt16BE(transportChecksum(spec.source.ip, spec.destination.ip, 6, segment), 16);
  return segment;
}

/**
 * Splits an IP packet into fragments carrying at most `payloadBytes` bytes each (a multiple of
 * 8). IPv6 fragments get a fragment header after the 40-byte base header, so extension headers
 * of the original packet travel in the fragmentable part.
 */
export function fragmentIpPacket(packet: Buffer, payloadBytes: number, identification = 0x1234): Buffer[] {
  if (!Number.isInteger(payloadBytes) || payloadBytes < 8 || payloadBytes % 8 !== 0) invalid(`fragment payload size must be a positive multiple of 8, got ${payloadBytes}`);
  const isV4 = packet[0]! >> 4 === 4;
  const headerLength = isV4 ? (packet[0]! & 0x0f) * 4 : 40;
  const payload = packet.subarray(headerLength);
  const fragments: Buffer[] = [];

  for (let offset = 0; offset < payload.length; offset += payloadBytes) {
    const chunk = payload.subarray(offset, offset + payloadBytes);
    const more = offset + payloadBytes < payload.length;
    if (isV4) {
      const fragment = Buffer.alloc(headerLength + chunk.length);
      packet.copy(fragment, 0, 0, headerLength);
      fragment.writeUInt16BE(fragment.length, 2);
      fragment.writeUInt16BE(identification & 0xffff, 4);
      fragment.writeUInt16BE((more ? 0x2000 : 0) | (offset / 8), 6);
      fragment.writeUInt16BE(0, 10);
      fragment.writeUInt16BE(checksum(fragment.subarray(0, headerLength)), 10);
      fragment.set(chunk, headerLength);
      fragments.push(fragment);
    } else {
      const fragment = Buffer.alloc(48 + chunk.length);
      packet.copy(fragment, 0, 0, 40);
      fragment[6] = 44;
      fragment.writeUInt16BE(8 + chunk.length, 4);
      fragment[40] = packet[6]!;
      fragment.writeUInt16BE(offset | (more ? 1 : 0), 42);
      fragment.writeUInt32BE(identification >>> 0, 44);
      fragment.set(chunk, 48);
      fragments.push(fragment);
    }
  }
  return fragments;
}

/** Wraps an IP packet in the link-layer header of `link`. */
export function encapsulate(ipPacket: Uint8Array, link: LinkSpec = { type: 'ethernet' }): Buffer {
  const isV6 = ipPacket[0]! >> 4 === 6;
  const ethertype = isV6 ? 0x86dd : 0x0800;

  switch (link.type) {
    case 'ethernet': {
      const tags = link.vlanIds ?? [];
      const frame = Buffer.alloc(14 + tags.length * 4 + ipPacket.length);
      Buffer.from([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01]).copy(frame, 0);
      let at = 12;
      tags.forEach((vlanId, index) => {
        frame.writeUInt16BE(index === 0 && link.qinq && tags.length > 1 ? 0x88a8 : 0x8100, at);
        frame.writeUInt16BE(vlanId & 0x0fff, at + 2);
        at += 4;
      });
      frame.writeUInt16BE(ethertype, at);
      frame.set(ipPacket, at + 2);
      return frame;
    }
    case 'linux-sll': {
      const frame = Buffer.alloc(16 + ipPacket.length);
      frame.writeUInt16BE(0, 0);
      frame.writeUInt16BE(1, 2);
      frame.writeUInt16BE(6, 4);
      frame.writeUInt16BE(ethertype, 14);
      frame.set(ipPacket, 16);
      return frame;
    }
    case 'linux-sll2': {
      const frame = Buffer.alloc(20 + ipPacket.length);
      frame.writeUInt16BE(ethertype, 0);
      frame.writeUInt32BE(2, 4);
      frame.writeUInt16BE(1, 8);
      frame[11] = 6;
      frame.set(ipPacket, 20);
      return frame;
    }
    case 'null':
    case 'loop': {
      const family = isV6 ? 24 : 2;
      const frame = Buffer.alloc(4 + ipPacket.length);
      if (link.type === 'loop' || link.byteOrder === 'big') frame.writeUInt32BE(family, 0);
      else frame.writeUInt32LE(family, 0);
      frame.set(ipPacket, 4);
      return frame;
    }
    case 'raw':
    case 'ipv4':
    case 'ipv6':
      return Buffer.from(ipPacket);
  }
}

/** Frames of one UDP datagram: one frame, or one per fragment with `fragmentPayloadBytes`. */
export function buildUdpFrames(spec: UdpFramesSpec): Buffer[] {
  const datagram = buildUdpDatagram(spec.source, spec.destination, spec.payload);
  const packet = buildIpPacket({
    source: spec.source.ip,
    destination: spec.destination.ip,
    protocol: 17,
    payload: datagram,
    identification: spec.identification ?? 0,
    extensionHeaders: spec.extensionHeaders ?? [],
  });
  const packets = spec.fragmentPayloadBytes === undefined ? [packet] : fragmentIpPacket(packet, spec.fragmentPayloadBytes, spec.identification ?? 0x1234);
  return packets.map((ipPacket) => encapsulate(ipPacket, spec.link));
}

/** Builds one frame of a UDP datagram carrying `payload`. */
export function buildUdpPacket(source: Endpoint, destination: Endpoint, payload: Uint8Array, link?: LinkSpec): Buffer {
  return buildUdpFrames({ source, destination, payload, ...(link === undefined ? {} : { link }) })[0]!;
}

/**
 * Frames of one TCP stream direction carrying DNS messages, each after its 2-byte length
 * prefix, cut into segments at `splitAt` stream offsets or every `segmentPayloadBytes`.
 */
export function buildTcpSegments(spec: TcpFramesSpec): Buffer[] {
  const stream = Buffer.concat(
    spec.messages.map((message) => {
      if (message.length > 0xffff) invalid(`a DNS message of ${message.length} bytes does not fit a TCP length prefix`);
      const prefixed = Buffer.alloc(2 + message.length);
      prefixed.writeUInt16BE(message.length, 0);
      prefixed.set(message, 2);
      return prefixed;
    }),
  );

  const cuts = spec.splitAt ?? evenCuts(stream.length, spec.segmentPayloadBytes ?? stream.length);
  const bounds = [0, ...cuts.filter((cut) => cut > 0 && cut < stream.length).sort((a, b) => a - b), stream.length];
  const firstSeq = spec.seq ?? 1000;
  const frames: Buffer[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    if (bounds[i] === bounds[i + 1]) continue;
    const segment = buildTcpSegment({ source: spec.source, destination: spec.destination, seq: firstSeq + bounds[i]!, ack: 1, payload: stream.subarray(bounds[i], bounds[i + 1]) });
    const packet = buildIpPacket({ source: spec.source.ip, destination: spec.destination.ip, protocol: 6, payload: segment });
    frames.push(encapsulate(packet, spec.link));
  }
  return frames;
}

/** Builds a frame of one TCP segment without data, such as SYN or FIN. */
export function buildTcpControlFrame(source: Endpoint, destination: Endpoint, seq: number, flags: number, link?: LinkSpec): Buffer {
  const segment = buildTcpSegment({ source, destination, seq, ack: 1, flags });
  return encapsulate(buildIpPacket({ source: source.ip, destination: destination.ip, protocol: 6, payload: segment }), link);
}

function evenCuts(length: number, size: number): number[] {
  if (!Number.isInteger(size) || size < 1) invalid(`segment payload size must be a positive integer, got ${size}`);
  const cuts: number[] = [];
  for (let at = size; at < length; at += size) cuts.push(at);
  return cuts;
}

function transportChecksum(sourceText: string, destinationText: string, protocol: number, segment: Buffer): number {
  const source = address(sourceText);
  const destination = address(destinationText);
  const pseudo = Buffer.alloc(source.length * 2 + (source.length === 4 ? 4 : 8));
  pseudo.set(source, 0);
  pseudo.set(destination, source.length);
  if (source.length === 4) {
    pseudo[9] = protocol;
    pseudo.writeUInt16BE(segment.length, 10);
  } else {
    pseudo.writeUInt32BE(segment.length, 32);
    pseudo[39] = protocol;
  }
  return checksum(Buffer.concat([pseudo, segment]));
}

/** Internet checksum (RFC 1071). */
function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (bytes.length % 2 === 1) sum += bytes[bytes.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function address(text: string): Uint8Array {
  const bytes = parseIpAddress(text);
  if (bytes === null) invalid(`${JSON.stringify(text)} is not an IPv4 or IPv6 address`);
  return bytes;
}

function port(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 65535) invalid(`port must be an integer from 0 to 65535, got ${value}`);
  return value;
}

function invalid(message: string): never {
  throw replayError('TB_ERR_REPLAY_INVALID_PACKET_SPEC', `Invalid packet spec: ${message}.`);
}
