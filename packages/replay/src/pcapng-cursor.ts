import { RecordCursor, type FaultSink } from './capture-cursor.js';
import type { ByteInput } from './input-source.js';
import { MAX_RECORD_BYTES } from './pcap-cursor.js';

export const PCAPNG_SECTION_HEADER = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BLOCK_INTERFACE_DESCRIPTION = 1;
const BLOCK_OBSOLETE_PACKET = 2;
const BLOCK_SIMPLE_PACKET = 3;
const BLOCK_ENHANCED_PACKET = 6;
const OPTION_END = 0;
const OPTION_IF_TSRESOL = 9;
const OPTION_IF_TSOFFSET = 14;

/** Tells whether `bytes` starts with a pcapng section header block. */
export function isPcapng(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes.readUInt32BE(0) === PCAPNG_SECTION_HEADER;
}

interface InterfaceInfo {
  linkType: number;
  snapLength: number;
  /** Timestamp units per millisecond, from if_tsresol (default microseconds: 1000). */
  unitsPerMs: number;
  /** if_tsoffset in milliseconds. */
  offsetMs: number;
}

/**
 * Reads pcapng files: several sections (each with its own byte order), interface description
 * blocks with per-interface if_tsresol and if_tsoffset, and enhanced, simple and obsolete packet
 * blocks. Simple packet blocks carry no timestamp, so they take the previous packet's time.
 * Other block types are skipped.
 */
export class PcapngCursor extends RecordCursor {
  #littleEndian = true;
  #interfaces: InterfaceInfo[] = [];
  #lastTimestampMs = 0;

  constructor(input: ByteInput, reportFault: FaultSink) {
    super('packet', input, reportFault);
  }

  advance(): boolean {
    for (;;) {
      if (this.stopped) return false;
      const input = this.input;
      if (input.available < 12) return false;
      const bytes = input.bytes;
      const at = input.position;

      const blockType = this.#u32(bytes, at);
      if (blockType === PCAPNG_SECTION_HEADER) {
        const magic = bytes.readUInt32LE(at + 8);
        if (magic === BYTE_ORDER_MAGIC) this.#littleEndian = true;
        else if (bytes.readUInt32BE(at + 8) === BYTE_ORDER_MAGIC) this.#littleEndian = false;
        else return this.stop('bad-capture-block', `section header at byte offset ${at} has no valid byte-order magic`);
      }

      const blockLength = this.#u32(bytes, at + 4);
      if (blockLength < 12 || blockLength % 4 !== 0 || blockLength > MAX_RECORD_BYTES) {
        return this.stop('bad-capture-block', `block at byte offset ${at} has length ${blockLength}`);
      }
      if (input.available < blockLength) return false;
      input.position = at + blockLength;

      if (blockType === PCAPNG_SECTION_HEADER) {
        this.#interfaces = [];
        continue;
      }
      if (blockType === BLOCK_INTERFACE_DESCRIPTION) {
        if (!this.#readInterface(bytes, at, blockLength)) return false;
        continue;
      }
      if (blockType === BLOCK_ENHANCED_PACKET || blockType === BLOCK_OBSOLETE_PACKET) return this.#readPacket(bytes, at, blockLength, blockType);
      if (blockType === BLOCK_SIMPLE_PACKET) return this.#readSimplePacket(bytes, at, blockLength);
    }
  }

  #readInterface(bytes: Buffer, at: number, blockLength: number): boolean {
    if (blockLength < 20) return this.stop('bad-capture-block', `interface block at byte offset ${at} is too short`);
    const info: InterfaceInfo = {
      linkType: this.#u16(bytes, at + 8),
      snapLength: this.#u32(bytes, at + 12),
      unitsPerMs: 1000,
      offsetMs: 0,
    };

    const end = at + blockLength - 4;
    for (let position = at + 16; position + 4 <= end; ) {
      const code = this.#u16(bytes, position);
      const length = this.#u16(bytes, position + 2);
      const value = position + 4;
      if (code === OPTION_END) break;
      if (value + length > end) return this.stop('bad-capture-block', `interface block at byte offset ${at} has an option past its end`);
      if (code === OPTION_IF_TSRESOL && length >= 1) {
        const resolution = bytes[value]!;
        const unitsPerSecond = resolution & 0x80 ? 2 ** (resolution & 0x7f) : 10 ** resolution;
        info.unitsPerMs = unitsPerSecond / 1000;
      } else if (code === OPTION_IF_TSOFFSET && length >= 8) {
        const seconds = this.#littleEndian ? bytes.readBigInt64LE(value) : bytes.readBigInt64BE(value);
        info.offsetMs = Number(seconds) * 1000;
      }
      position = value + ((length + 3) & ~3);
    }

    this.#interfaces.push(info);
    return true;
  }

  #readPacket(bytes: Buffer, at: number, blockLength: number, blockType: number): boolean {
    const obsolete = blockType === BLOCK_OBSOLETE_PACKET;
    if (blockLength < 32) return this.stop('bad-capture-block', `packet block at byte offset ${at} is too short`);
    const interfaceId = obsolete ? this.#u16(bytes, at + 8) : this.#u32(bytes, at + 8);
    const info = this.#interfaces[interfaceId];
    if (info === undefined) return this.stop('bad-capture-block', `packet block at byte offset ${at} names interface ${interfaceId}, which has no description block`);
    const capturedLength = this.#u32(bytes, at + 20);
    const originalLength = this.#u32(bytes, at + 24);
    if (capturedLength > blockLength - 32) return this.stop('bad-capture-block', `packet block at byte offset ${at} claims ${capturedLength} captured bytes`);

    const units = this.#u32(bytes, at + 12) * 4294967296 + this.#u32(bytes, at + 16);
    return this.#emit(bytes, at + 28, capturedLength, originalLength, units / info.unitsPerMs + info.offsetMs, info.linkType);
  }

  #readSimplePacket(bytes: Buffer, at: number, blockLength: number): boolean {
    const info = this.#interfaces[0];
    if (info === undefined) return this.stop('bad-capture-block', `simple packet block at byte offset ${at} comes before any interface description block`);
    const originalLength = this.#u32(bytes, at + 8);
    let capturedLength = Math.min(originalLength, blockLength - 16);
    if (info.snapLength > 0) capturedLength = Math.min(capturedLength, info.snapLength);
    return this.#emit(bytes, at + 12, capturedLength, originalLength, this.#lastTimestampMs, info.linkType);
  }

  #emit(bytes: Buffer, offset: number, capturedLength: number, originalLength: number, timestampMs: number, linkType: number): true {
    const packet = this.packet;
    packet.bytes = bytes;
    packet.offset = offset;
    packet.capturedLength = capturedLength;
    packet.originalLength = Math.max(originalLength, capturedLength);
    packet.timestampMs = timestampMs;
    packet.linkType = linkType;
    this.timestampMs = timestampMs;
    this.#lastTimestampMs = timestampMs;
    return true;
  }

  #u32(bytes: Buffer, at: number): number {
    return this.#littleEndian ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at);
  }

  #u16(bytes: Buffer, at: number): number {
    return this.#littleEndian ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at);
  }
}
