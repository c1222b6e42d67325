import { dnsExchangeFrames, type DnsExchangeSpec, type TimedFrame } from './dns-exchange.js';
import { replayError } from './errors.js';
import { LINK_TYPES } from './link-layer.js';

/** One interface of a pcapng file. */
export interface PcapngInterfaceSpec {
  linkType?: number;
  /**
   * The if_tsresol byte: 6 for microseconds (the pcapng default), 9 for nanoseconds, or 0x80|n
   * for units of 2^-n seconds.
   */
  timestampResolution?: number;
  snapLength?: number;
  /** if_tsoffset: seconds added to every timestamp of the interface. */
  timestampOffsetSeconds?: number;
}

export interface PcapWriterOptions {
  /** Default pcap. */
  format?: 'pcap' | 'pcapng';
  /** Link type of pcap files and of the default pcapng interface (default Ethernet, 1). */
  linkType?: number;
  /** pcap only: microsecond (default) or nanosecond magic. */
  timestampResolution?: 'us' | 'ns';
  byteOrder?: 'little' | 'big';
  /** Frames longer than this are cut, keeping their original length (default 262144). */
  snapLength?: number;
  /** pcapng only: the interface description blocks (default one, from `linkType`). */
  interfaces?: PcapngInterfaceSpec[];
}

export interface AddPacketOptions {
  /** Capture time in ms since the epoch; fractions below the file resolution are rounded. */
  timestampMs?: number;
  /** Capture time in ns since the epoch, for exact nanosecond values. */
  timestampNs?: bigint;
  /** pcapng interface index (default 0). */
  interfaceId?: number;
  /** Length on the wire when the frame given is already cut (default: the frame length). */
  originalLength?: number;
  /** Keep only this many bytes of the frame. */
  capturedLength?: number;
  /** pcapng block type (default enhanced); simple blocks have no timestamp or interface id. */
  block?: 'enhanced' | 'simple' | 'obsolete';
}

const DEFAULT_SNAP_LENGTH = 262_144;

/**
 * Writes pcap or pcapng files in memory. Call `takeBytes` to collect what was written so far,
 * for example to stream a large file to disk.
 */
export class PcapWriter {
  readonly format: 'pcap' | 'pcapng';
  readonly #littleEndian: boolean;
  readonly #nanoseconds: boolean;
  readonly #snapLength: number;
  readonly #interfaces: Required<PcapngInterfaceSpec>[];
  #chunks: Buffer[] = [];

  constructor(options: PcapWriterOptions = {}) {
    this.format = options.format ?? 'pcap';
    this.#littleEndian = (options.byteOrder ?? 'little') === 'little';
    this.#nanoseconds = options.timestampResolution === 'ns';
    this.#snapLength = options.snapLength ?? DEFAULT_SNAP_LENGTH;
    const linkType = options.linkType ?? LINK_TYPES.ETHERNET;
    this.#interfaces = (options.interfaces ?? [{ linkType, timestampResolution: this.#nanoseconds ? 9 : 6 }]).map((spec) => ({
      linkType: spec.linkType ?? linkType,
      timestampResolution: spec.timestampResolution ?? 6,
      snapLength: spec.snapLength ?? this.#snapLength,
      timestampOffsetSeconds: spec.timestampOffsetSeconds ?? 0,
    }));

    if (this.format === 'pcap') this.#writePcapHeader(linkType);
    else this.startSection();
  }

  /** pcapng: starts a new section with the same interfaces (readers must reset their interface list). */
  startSection(): void {
    if (this.format !== 'pcapng') invalid('sections exist only in pcapng files');
    const header = Buffer.alloc(28);
    this.#u32(header, 0, 0x0a0d0d0a);
    this.#u32(header, 4, 28);
    this.#u32(header, 8, 0x1a2b3c4d);
    this.#u16(header, 12, 1);
    this.#u16(header, 14, 0);
    header.writeBigInt64LE(-1n, 16);
    this.#u32(header, 24, 28);
    this.#chunks.push(header);
    for (const spec of this.#interfaces) this.#writeInterface(spec);
  }

  addPacket(frame: Uint8Array, options: AddPacketOptions = {}): void {
    const originalLength = options.originalLength ?? frame.length;
    const interfaceId = options.interfaceId ?? 0;
    const spec = this.format === 'pcapng' ? this.#interfaces[interfaceId] : this.#interfaces[0];
    if (spec === undefined) invalid(`interface ${interfaceId} does not exist; the writer has ${this.#interfaces.length}`);
    const capturedLength = Math.min(frame.length, options.capturedLength ?? frame.length, spec.snapLength || frame.length);
    const data = frame.subarray(0, capturedLength);
    const timestampNs = options.timestampNs ?? msToNs(options.timestampMs ?? 0);

    if (this.format === 'pcap') this.#writePcapRecord(data, originalLength, timestampNs);
    else if (options.block === 'simple') this.#writeSimpleBlock(data, originalLength);
    else this.#writePacketBlock(data, originalLength, timestampNs, interfaceId, spec, options.block === 'obsolete');
  }

  /** Adds frames at their capture times (ms), for example from `dnsExchangeFrames`. */
  addFrames(frames: TimedFrame[], options: Omit<AddPacketOptions, 'timestampMs' | 'timestampNs'> = {}): void {
    for (const { timestampMs, frame } of frames) this.addPacket(frame, { ...options, timestampMs });
  }

  /** Adds a query and its response; see `DnsExchangeSpec`. */
  addDnsExchange(spec: DnsExchangeSpec): void {
    this.addFrames(dnsExchangeFrames(spec));
  }

  /** Returns the bytes written since the last call. */
  takeBytes(): Buffer {
    const bytes = Buffer.concat(this.#chunks);
    this.#chunks = [];
    return bytes;
  }

  #writePcapHeader(linkType: number): void {
    const header = Buffer.alloc(24);
    this.#u32(header, 0, this.#nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4);
    this.#u16(header, 4, 2);
    this.#u16(header, 6, 4);
    this.#u32(header, 16, this.#snapLength);
    this.#u32(header, 20, linkType);
    this.#chunks.push(header);
  }

  #writePcapRecord(data: Uint8Array, originalLength: number, timestampNs: bigint): void {
    const record = Buffer.alloc(16 + data.length);
    const seconds = timestampNs / 1_000_000_000n;
    const fraction = timestampNs % 1_000_000_000n;
    this.#u32(record, 0, Number(seconds));
    this.#u32(record, 4, Number(this.#nanoseconds ? fraction : fraction / 1000n));
    this.#u32(record, 8, data.length);
    this.#u32(record, 12, originalLength);
    record.set(data, 16);
    this.#chunks.push(record);
  }

  #writeInterface(spec: Required<PcapngInterfaceSpec>): void {
    const options: Buffer[] = [];
    options.push(this.#option(9, Buffer.from([spec.timestampResolution])));
    if (spec.timestampOffsetSeconds !== 0) {
      const value = Buffer.alloc(8);
      if (this.#littleEndian) value.writeBigInt64LE(BigInt(spec.timestampOffsetSeconds));
      else value.writeBigInt64BE(BigInt(spec.timestampOffsetSeconds));
      options.push(this.#option(14, value));
    }
    options.push(Buffer.alloc(4));
    const body = Buffer.alloc(8);
    this.#u16(body, 0, spec.linkType);
    this.#u32(body, 4, spec.snapLength);
    this.#block(1, Buffer.concat([body, ...options]));
  }

  #writePacketBlock(data: Uint8Array, originalLength: number, timestampNs: bigint, interfaceId: number, spec: Required<PcapngInterfaceSpec>, obsolete: boolean): void {
    const units = (timestampNs - BigInt(spec.timestampOffsetSeconds) * 1_000_000_000n) * unitsPerSecond(spec.timestampResolution) / 1_000_000_000n;
    if (units < 0n) invalid(`timestamp ${timestampNs} ns is before the interface's if_tsoffset of ${spec.timestampOffsetSeconds} s`);
    const body = Buffer.alloc(20 + padded(data.length));
    if (obsolete) {
      this.#u16(body, 0, interfaceId);
      this.#u16(body, 2, 0);
    } else {
      this.#u32(body, 0, interfaceId);
    }
    this.#u32(body, 4, Number(units >> 32n));
    this.#u32(body, 8, Number(units & 0xffffffffn));
    this.#u32(body, 12, data.length);
    this.#u32(body, 16, originalLength);
    body.set(data, 20);
    this.#block(obsolete ? 2 : 6, body);
  }

  #writeSimpleBlock(data: Uint8Array, originalLength: number): void {
    const body = Buffer.alloc(4 + padded(data.length));
    this.#u32(body, 0, originalLength);
    body.set(data, 4);
    this.#block(3, body);
  }

  #option(code: number, value: Buffer): Buffer {
    const option = Buffer.alloc(4 + padded(value.length));
    this.#u16(option, 0, code);
    this.#u16(option, 2, value.length);
    value.copy(option, 4);
    return option;
  }

  #block(type: number, body: Buffer): void {
    const block = Buffer.alloc(12 + body.length);
    this.#u32(block, 0, type);
    this.#u32(block, 4, block.length);
    body.copy(block, 8);
    this.#u32(block, block.length - 4, block.length);
    this.#chunks.push(block);
  }

  #u32(buffer: Buffer, at: number, value: number): void {
    if (this.#littleEndian) buffer.writeUInt32LE(value >>> 0, at);
    else buffer.writeUInt32BE(value >>> 0, at);
  }

  #u16(buffer: Buffer, at: number, value: number): void {
    if (this.#littleEndian) buffer.writeUInt16LE(value, at);
    else buffer.writeUInt16BE(value, at);
  }
}

/** Converts ms (with a fraction) to whole ns, splitting off the seconds to keep precision. */
export function msToNs(timestampMs: number): bigint {
  if (!Number.isFinite(timestampMs) || timestampMs < 0) invalid(`timestamp must be a finite number of ms, 0 or more, got ${timestampMs}`);
  const seconds = Math.floor(timestampMs / 1000);
  const fractionNs = Math.round((timestampMs - seconds * 1000) * 1_000_000);
  return BigInt(seconds) * 1_000_000_000n + BigInt(fractionNs);
}

function unitsPerSecond(resolution: number): bigint {
  return resolution & 0x80 ? 2n ** BigInt(resolution & 0x7f) : 10n ** BigInt(resolution);
}

function padded(length: number): number {
  return (length + 3) & ~3;
}

function invalid(message: string): never {
  throw replayError('TB_ERR_REPLAY_INVALID_PACKET_SPEC', `Invalid capture writer input: ${message}.`);
}
