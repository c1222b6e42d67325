import type { Logger, TriggerEvent } from '@triggerbox/core';
import type { PacketRecord } from './capture-cursor.js';
import { DnsDecoder } from './dns-decoder.js';
import type { FaultKind } from './faults.js';
import { formatIpv4, formatIpv6 } from './ip-address.js';
import { FragmentTable } from './ip-fragments.js';
import { isSupportedLinkType, locateNetworkLayer, type NetworkLayer } from './link-layer.js';
import { pairingKey, type MessageContext, type RequestPairing } from './pairing.js';
import { TcpReassembler, type StreamEndpoints } from './tcp-streams.js';

const PROTOCOL_TCP = 6;
const PROTOCOL_UDP = 17;
const DNS_PORT = 53;
const MDNS_PORT = 5353;
const IPV6_HOP_BY_HOP = 0;
const IPV6_ROUTING = 43;
const IPV6_FRAGMENT = 44;
const IPV6_AH = 51;
const IPV6_DESTINATION = 60;
const IPV6_MOBILITY = 135;
const IPV6_HIP = 139;
const IPV6_SHIM6 = 140;
/** Capture-time interval between sweeps of the fragment and TCP tables. */
const SWEEP_INTERVAL_MS = 1000;

/** Counts one dropped item of a fault kind. */
export type FaultCounter = (fault: FaultKind) => void;

/**
 * Turns captured frames into DNS events: link layer, IPv4 and IPv6 (extension headers and
 * fragments), UDP on ports 53 and 5353, TCP on port 53, then the DNS decoder and the pairing.
 * Events collect in `events` until the caller takes them.
 */
export class PacketDecoder {
  events: TriggerEvent[] = [];
  dnsMessages = 0;
  malformed = 0;

  readonly #decoder = new DnsDecoder();
  readonly #pairing: RequestPairing;
  readonly #countFault: FaultCounter;
  readonly #logger: Logger;
  readonly #fragments: FragmentTable;
  readonly #tcp: TcpReassembler;
  readonly #network: NetworkLayer = { ipVersion: 0, offset: 0 };
  readonly #warnedLinkTypes = new Set<number>();
  readonly #context: MessageContext = {
    transport: 'UDP',
    ipVersion: 4,
    sourceIp: '',
    sourcePort: 0,
    destinationIp: '',
    destinationPort: 0,
    timestampMs: 0,
    packets: 1,
    l2Bytes: 0,
    multicastDns: false,
    pairingKey: '',
  };
  #lastSweepMs = -Infinity;
  #supportedLinkType = -1;

  constructor(pairing: RequestPairing, countFault: FaultCounter, logger: Logger) {
    this.#pairing = pairing;
    this.#countFault = countFault;
    this.#logger = logger;
    this.#fragments = new FragmentTable(countFault);
    this.#tcp = new TcpReassembler((bytes, start, length, endpoints, packets, l2Bytes, timestampMs) => {
      const destinationAt = endpoints.ipVersion === 4 ? 4 : 16;
      this.#decodeMessage(bytes, start, length, 'TCP', endpoints.ipVersion, endpoints.addresses, 0, destinationAt, endpoints.sourcePort, endpoints.destinationPort, timestampMs, packets, l2Bytes);
    }, countFault);
  }

  decodePacket(packet: PacketRecord): void {
    const timestampMs = packet.timestampMs;
    if (timestampMs - this.#lastSweepMs >= SWEEP_INTERVAL_MS) {
      this.#fragments.expire(timestampMs);
      this.#tcp.expire(timestampMs);
      this.#lastSweepMs = timestampMs;
    }

    const linkType = packet.linkType;
    if (linkType !== this.#supportedLinkType) {
      if (!isSupportedLinkType(linkType)) {
        this.#countFault('unsupported-link-type');
        if (!this.#warnedLinkTypes.has(linkType)) {
          this.#warnedLinkTypes.add(linkType);
          this.#logger.warn('skipping packets of an unsupported link type', { linkType });
        }
        return;
      }
      this.#supportedLinkType = linkType;
    }

    const bytes = packet.bytes;
    const end = packet.offset + packet.capturedLength;
    const cut = packet.capturedLength < packet.originalLength;
    const network = locateNetworkLayer(bytes, packet.offset, end, linkType, this.#network);
    if (network.ipVersion === 4) this.#decodeIpv4(bytes, network.offset, end, cut, timestampMs, packet.originalLength);
    else if (network.ipVersion === 6) this.#decodeIpv6(bytes, network.offset, end, cut, timestampMs, packet.originalLength);
  }

  /** Ends reassembly and pairing at the end of the input, counting what stayed unfinished. */
  finish(): void {
    this.#fragments.finish();
    this.#tcp.finish();
    this.#pairing.finish();
  }

  #decodeIpv4(bytes: Uint8Array, at: number, end: number, cut: boolean, timestampMs: number, l2Bytes: number): void {
    if (at + 20 > end) {
      if (!cut) this.#countFault('bad-ip-header');
      return;
    }
    const headerLength = (bytes[at]! & 0x0f) * 4;
    if (bytes[at]! >> 4 !== 4 || headerLength < 20) return this.#countFault('bad-ip-header');
    if (at + headerLength > end) {
      if (!cut) this.#countFault('bad-ip-header');
      return;
    }

    const totalLength = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    let payloadEnd = at + totalLength;
    let payloadCut = false;
    if (totalLength === 0) {
      // TCP segmentation offload leaves the total length 0 in captures; the frame is the packet.
      payloadEnd = end;
      payloadCut = cut;
    } else if (totalLength < headerLength) {
      return this.#countFault('bad-ip-header');
    } else if (payloadEnd > end) {
      if (!cut) return this.#countFault('bad-ip-header');
      payloadEnd = end;
      payloadCut = true;
    }

    const protocol = bytes[at + 9]!;
    if (protocol !== PROTOCOL_UDP && protocol !== PROTOCOL_TCP) return;
    const fragmentField = (bytes[at + 6]! << 8) | bytes[at + 7]!;
    const moreFragments = (fragmentField & 0x2000) !== 0;
    const fragmentOffset = (fragmentField & 0x1fff) * 8;
    if (!moreFragments && fragmentOffset === 0) {
      this.#decodeTransport(bytes, at + headerLength, payloadEnd, payloadCut, protocol, 4, bytes, at + 12, at + 16, timestampMs, 1, l2Bytes);
      return;
    }

    if (payloadCut) this.#countFault('snaplen-cut');
    const source = readUint32(bytes, at + 12);
    const destination = readUint32(bytes, at + 16);
    const identification = (bytes[at + 4]! << 8) | bytes[at + 5]!;
    const key = `4|${source}|${destination}|${protocol}|${identification}`;
    const header = { protocol, ipVersion: 4 as const, addresses: bytes.slice(at + 12, at + 20) };
    const datagram = this.#fragments.add(key, bytes, at + headerLength, payloadEnd, fragmentOffset, moreFragments, header, timestampMs, l2Bytes, payloadCut);
    if (datagram === null) return;
    const payload = datagram.payload;
    this.#decodeTransport(payload, 0, payload.length, false, datagram.protocol, 4, datagram.addresses, 0, 4, timestampMs, datagram.packets, datagram.l2Bytes);
  }

  #decodeIpv6(bytes: Uint8Array, at: number, end: number, cut: boolean, timestampMs: number, l2Bytes: number): void {
    if (at + 40 > end) {
      if (!cut) this.#countFault('bad-ip-header');
      return;
    }
    if (bytes[at]! >> 4 !== 6) return this.#countFault('bad-ip-header');

    const payloadLength = (bytes[at + 4]! << 8) | bytes[at + 5]!;
    let payloadEnd = at + 40 + payloadLength;
    let payloadCut = false;
    if (payloadLength === 0) {
      // A jumbogram or an offloaded segment: the frame is the packet.
      payloadEnd = end;
      payloadCut = cut;
    } else if (payloadEnd > end) {
      if (!cut) return this.#countFault('bad-ip-header');
      payloadEnd = end;
      payloadCut = true;
    }

    this.#walkIpv6Headers(bytes, at + 40, payloadEnd, payloadCut, bytes[at + 6]!, bytes, at + 8, at + 24, timestampMs, 1, l2Bytes, true);
  }

  /** Skips IPv6 extension headers (RFC 8200 section 4) up to UDP or TCP, reassembling fragments. */
  #walkIpv6Headers(
    bytes: Uint8Array,
    start: number,
    end: number,
    cut: boolean,
    firstHeader: number,
    addressBytes: Uint8Array,
    sourceAt: number,
    destinationAt: number,
    timestampMs: number,
    packets: number,
    l2Bytes: number,
    fragmentsAllowed: boolean,
  ): void {
    let next = firstHeader;
    let position = start;
    for (;;) {
      if (next === PROTOCOL_UDP || next === PROTOCOL_TCP) {
        this.#decodeTransport(bytes, position, end, cut, next, 6, addressBytes, sourceAt, destinationAt, timestampMs, packets, l2Bytes);
        return;
      }

      let length: number;
      if (next === IPV6_HOP_BY_HOP || next === IPV6_ROUTING || next === IPV6_DESTINATION || next === IPV6_MOBILITY || next === IPV6_HIP || next === IPV6_SHIM6) {
        if (position + 2 > end) return this.#headerPastEnd(cut);
        length = (bytes[position + 1]! + 1) * 8;
      } else if (next === IPV6_AH) {
        if (position + 2 > end) return this.#headerPastEnd(cut);
        length = (bytes[position + 1]! + 2) * 4;
      } else if (next === IPV6_FRAGMENT && fragmentsAllowed) {
        if (position + 8 > end) return this.#headerPastEnd(cut);
        const offsetField = (bytes[position + 2]! << 8) | bytes[position + 3]!;
        const fragmentOffset = offsetField & 0xfff8;
        const moreFragments = (offsetField & 1) !== 0;
        if (fragmentOffset === 0 && !moreFragments) {
          // An atomic fragment (RFC 6946): the whole packet is here.
          next = bytes[position]!;
          position += 8;
          continue;
        }
        this.#addIpv6Fragment(bytes, position, end, cut, bytes[position]!, fragmentOffset, moreFragments, addressBytes, sourceAt, timestampMs, l2Bytes);
        return;
      } else {
        return;
      }

      if (position + length > end) return this.#headerPastEnd(cut);
      next = bytes[position]!;
      position += length;
    }
  }

  #addIpv6Fragment(
    bytes: Uint8Array,
    at: number,
    end: number,
    cut: boolean,
    nextHeader: number,
    fragmentOffset: number,
    moreFragments: boolean,
    addressBytes: Uint8Array,
    sourceAt: number,
    timestampMs: number,
    l2Bytes: number,
  ): void {
    if (cut) this.#countFault('snaplen-cut');
    const identification = readUint32(bytes, at + 4);
    const addresses = addressBytes.slice(sourceAt, sourceAt + 32);
    const key = `6|${Buffer.from(addresses.buffer, addresses.byteOffset, 32).toString('hex')}|${identification}`;
    const header = { protocol: nextHeader, ipVersion: 6 as const, addresses };
    const datagram = this.#fragments.add(key, bytes, at + 8, end, fragmentOffset, moreFragments, header, timestampMs, l2Bytes, cut);
    if (datagram === null) return;
    const payload = datagram.payload;
    this.#walkIpv6Headers(payload, 0, payload.length, false, datagram.protocol, datagram.addresses, 0, 16, timestampMs, datagram.packets, datagram.l2Bytes, false);
  }

  #headerPastEnd(cut: boolean): void {
    if (!cut) this.#countFault('bad-ip-header');
  }

  #decodeTransport(
    bytes: Uint8Array,
    start: number,
    end: number,
    cut: boolean,
    protocol: number,
    ipVersion: 4 | 6,
    addressBytes: Uint8Array,
    sourceAt: number,
    destinationAt: number,
    timestampMs: number,
    packets: number,
    l2Bytes: number,
  ): void {
    if (start + 4 > end) return;
    const sourcePort = (bytes[start]! << 8) | bytes[start + 1]!;
    const destinationPort = (bytes[start + 2]! << 8) | bytes[start + 3]!;

    if (protocol === PROTOCOL_UDP) {
      const isDns = sourcePort === DNS_PORT || destinationPort === DNS_PORT;
      const isMulticastDns = !isDns && (sourcePort === MDNS_PORT || destinationPort === MDNS_PORT);
      if (!isDns && !isMulticastDns) return;
      if (start + 8 > end) return this.#cutOrBroken(cut, 'bad-udp-length');
      const udpLength = (bytes[start + 4]! << 8) | bytes[start + 5]!;
      if (udpLength < 8) return this.#countFault('bad-udp-length');
      if (start + udpLength > end) return this.#cutOrBroken(cut, 'bad-udp-length');

      this.#decodeMessage(bytes, start + 8, udpLength - 8, 'UDP', ipVersion, addressBytes, sourceAt, destinationAt, sourcePort, destinationPort, timestampMs, packets, l2Bytes, isMulticastDns);
      return;
    }

    if (sourcePort !== DNS_PORT && destinationPort !== DNS_PORT) return;
    if (start + 20 > end) {
      if (cut) this.#countFault('snaplen-cut');
      else this.#countFault('bad-tcp-header');
      return;
    }
    const dataOffset = (bytes[start + 12]! >> 4) * 4;
    if (dataOffset < 20) return this.#countFault('bad-tcp-header');
    if (start + dataOffset > end) return this.#countFault(cut ? 'snaplen-cut' : 'bad-tcp-header');

    const seq = readUint32(bytes, start + 4);
    const flags = bytes[start + 13]!;
    const sourceIp = ipVersion === 4 ? formatIpv4(addressBytes, sourceAt) : formatIpv6(addressBytes, sourceAt);
    const destinationIp = ipVersion === 4 ? formatIpv4(addressBytes, destinationAt) : formatIpv6(addressBytes, destinationAt);
    const key = `${sourceIp}|${sourcePort}|${destinationIp}|${destinationPort}`;
    const reverseKey = `${destinationIp}|${destinationPort}|${sourceIp}|${sourcePort}`;
    const addressLength = ipVersion === 4 ? 4 : 16;
    const endpoints = (): StreamEndpoints => {
      const addresses = new Uint8Array(addressLength * 2);
      addresses.set(addressBytes.subarray(sourceAt, sourceAt + addressLength), 0);
      addresses.set(addressBytes.subarray(destinationAt, destinationAt + addressLength), addressLength);
      return { sourcePort, destinationPort, ipVersion, addresses };
    };
    this.#tcp.segment(key, reverseKey, endpoints, seq, flags, bytes, start + dataOffset, end, cut, l2Bytes, timestampMs);
  }

  /** A DNS datagram reaching past the captured bytes: a snaplen cut drops one message. */
  #cutOrBroken(cut: boolean, fault: FaultKind): void {
    if (!cut) return this.#countFault(fault);
    this.dnsMessages++;
    this.malformed++;
    this.#countFault('snaplen-cut');
  }

  #decodeMessage(
    bytes: Uint8Array,
    start: number,
    length: number,
    transport: 'UDP' | 'TCP',
    ipVersion: 4 | 6,
    addressBytes: Uint8Array,
    sourceAt: number,
    destinationAt: number,
    sourcePort: number,
    destinationPort: number,
    timestampMs: number,
    packets: number,
    l2Bytes: number,
    multicastDns = false,
  ): void {
    this.dnsMessages++;
    const dns = this.#decoder.decode(bytes, start, length);
    if (dns === null) {
      this.malformed++;
      this.#countFault(this.#decoder.fault!);
      return;
    }

    const isResponse = this.#decoder.isResponse;
    const context = this.#context;
    context.transport = transport;
    context.ipVersion = ipVersion;
    context.sourceIp = ipVersion === 4 ? formatIpv4(addressBytes, sourceAt) : formatIpv6(addressBytes, sourceAt);
    context.sourcePort = sourcePort;
    context.destinationIp = ipVersion === 4 ? formatIpv4(addressBytes, destinationAt) : formatIpv6(addressBytes, destinationAt);
    context.destinationPort = destinationPort;
    context.pairingKey = multicastDns
      ? ''
      : isResponse
        ? pairingKey(transport, ipVersion, addressBytes, destinationAt, destinationPort, sourceAt, sourcePort, dns.txId)
        : pairingKey(transport, ipVersion, addressBytes, sourceAt, sourcePort, destinationAt, destinationPort, dns.txId);
    context.timestampMs = timestampMs;
    context.packets = packets;
    context.l2Bytes = l2Bytes;
    context.multicastDns = multicastDns;

    this.#pairing.expire(timestampMs);
    this.events.push(isResponse ? this.#pairing.response(dns, context) : this.#pairing.request(dns, context));
  }
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}
