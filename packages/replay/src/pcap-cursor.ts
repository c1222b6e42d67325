import { RecordCursor, type FaultSink } from './capture-cursor.js';
import type { ByteInput } from './input-source.js';

export const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOSECONDS = 0xa1b23c4d;
const FILE_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;
/** Records larger than this are treated as corruption; real frames stay far below it. */
export const MAX_RECORD_BYTES = 1 << 24;

/** Tells whether `bytes` starts with a pcap magic number in either byte order. */
export function isPcap(bytes: Buffer): boolean {
  if (bytes.length < 4) return false;
  const big = bytes.readUInt32BE(0);
  const little = bytes.readUInt32LE(0);
  return big === PCAP_MAGIC_MICROSECONDS || big === PCAP_MAGIC_NANOSECONDS || little === PCAP_MAGIC_MICROSECONDS || little === PCAP_MAGIC_NANOSECONDS;
}

/**
 * Reads classic pcap files: both byte orders, microsecond and nanosecond timestamps. The link
 * type comes from the file header, whose upper bits (FCS length) are ignored.
 */
export class PcapCursor extends RecordCursor {
  #littleEndian = true;
  #subsecondDivisor = 1000;
  #linkType = 0;
  #headerRead = false;

  constructor(input: ByteInput, reportFault: FaultSink) {
    super('packet', input, reportFault);
  }

  advance(): boolean {
    if (this.stopped) return false;
    if (!this.#headerRead && !this.#readFileHeader()) return false;

    const input = this.input;
    if (input.available < RECORD_HEADER_BYTES) return false;
    const bytes = input.bytes;
    const at = input.position;
    const little = this.#littleEndian;
    const seconds = little ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at);
    const subseconds = little ? bytes.readUInt32LE(at + 4) : bytes.readUInt32BE(at + 4);
    const capturedLength = little ? bytes.readUInt32LE(at + 8) : bytes.readUInt32BE(at + 8);
    const originalLength = little ? bytes.readUInt32LE(at + 12) : bytes.readUInt32BE(at + 12);
    if (capturedLength > MAX_RECORD_BYTES) return this.stop('bad-capture-block', `record at byte offset ${at} claims ${capturedLength} captured bytes`);
    if (input.available < RECORD_HEADER_BYTES + capturedLength) return false;

    const packet = this.packet;
    packet.bytes = bytes;
    packet.offset = at + RECORD_HEADER_BYTES;
    packet.capturedLength = capturedLength;
    packet.originalLength = Math.max(originalLength, capturedLength);
    packet.timestampMs = seconds * 1000 + subseconds / this.#subsecondDivisor;
    packet.linkType = this.#linkType;
    this.timestampMs = packet.timestampMs;
    input.position = at + RECORD_HEADER_BYTES + capturedLength;
    return true;
  }

  #readFileHeader(): boolean {
    const input = this.input;
    if (input.available < FILE_HEADER_BYTES) return false;
    const bytes = input.bytes;
    const at = input.position;
    const big = bytes.readUInt32BE(at);
    this.#littleEndian = !(big === PCAP_MAGIC_MICROSECONDS || big === PCAP_MAGIC_NANOSECONDS);
    const magic = this.#littleEndian ? bytes.readUInt32LE(at) : big;
    this.#subsecondDivisor = magic === PCAP_MAGIC_NANOSECONDS ? 1_000_000 : 1000;
    const network = this.#littleEndian ? bytes.readUInt32LE(at + 20) : bytes.readUInt32BE(at + 20);
    this.#linkType = network & 0xffff;
    input.position = at + FILE_HEADER_BYTES;
    this.#headerRead = true;
    return true;
  }
}
