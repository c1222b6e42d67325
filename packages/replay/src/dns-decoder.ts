import type { DnsAnswerData, DnsEventData, DnsResponseData } from '@triggerbox/core';
import { recordTypeName, opcodeName, rcodeName } from './dns-tables.js';
import { DnsNameReader } from './dns-name-reader.js';
import type { FaultKind } from './faults.js';
import { formatIpv4, formatIpv6 } from './ip-address.js';

export const DNS_HEADER_BYTES = 12;
const RECORD_FIXED_BYTES = 10;
const TYPE_A = 1;
const TYPE_NS = 2;
const TYPE_CNAME = 5;
const TYPE_SOA = 6;
const TYPE_PTR = 12;
const TYPE_MX = 15;
const TYPE_TXT = 16;
const TYPE_AAAA = 28;
const TYPE_SRV = 33;
const TYPE_OPT = 41;
const CLASS_IN = 1;
const CLASS_NONE = 254;
const CLASS_ANY = 255;
/** mDNS sets the top bit of the class for cache flush (RFC 6762 section 10.2). */
const CLASS_MASK = 0x7fff;

const enum Section {
  Answer,
  Authority,
  Additional,
}

/**
 * Decodes DNS messages (RFC 1035 section 4.1) into the `DNS` event data. Every section is
 * walked, so a message is either decoded whole or dropped with one fault: a response whose
 * answers are cut is never delivered half decoded. Only the answers of responses become
 * objects; the authority and additional sections are checked for structure, and the OPT
 * record supplies the extended response-code bits (RFC 6891 section 6.1.3).
 */
export class DnsDecoder {
  /** Fault of the last message that failed to decode. */
  fault: FaultKind | null = null;
  /** QR bit of the last message decoded. */
  isResponse = false;

  readonly #names = new DnsNameReader();
  readonly #txtBytes = Buffer.allocUnsafe(0xffff);
  #optTtl = -1;

  /** Decodes `length` bytes at `start`, or returns null with `fault` set. */
  decode(bytes: Uint8Array, start: number, length: number): DnsEventData | null {
    this.fault = null;
    if (length < DNS_HEADER_BYTES) return this.#fail('short-header');

    const end = start + length;
    const txId = (bytes[start]! << 8) | bytes[start + 1]!;
    const flags = (bytes[start + 2]! << 8) | bytes[start + 3]!;
    const questionCount = (bytes[start + 4]! << 8) | bytes[start + 5]!;
    const answerCount = (bytes[start + 6]! << 8) | bytes[start + 7]!;
    const authorityCount = (bytes[start + 8]! << 8) | bytes[start + 9]!;
    const additionalCount = (bytes[start + 10]! << 8) | bytes[start + 11]!;
    const isResponse = (flags & 0x8000) !== 0;
    this.isResponse = isResponse;
    this.#names.startMessage();
    this.#optTtl = -1;

    let position = start + DNS_HEADER_BYTES;
    let qname: string | null = null;
    let qtypeNum: number | null = null;
    for (let i = 0; i < questionCount; i++) {
      const name = this.#names.read(bytes, start, end, position, i === 0);
      if (name === null) return this.#fail(this.#names.fault!);
      position = this.#names.nameEnd;
      if (position + 4 > end) return this.#fail('truncated-record');
      if (i === 0) {
        qname = name;
        qtypeNum = (bytes[position]! << 8) | bytes[position + 1]!;
      }
      position += 4;
    }

    const answers: DnsAnswerData[] | null = isResponse ? [] : null;
    for (let i = 0; i < answerCount && position >= 0; i++) position = this.#readRecord(bytes, start, end, position, Section.Answer, answers);
    for (let i = 0; i < authorityCount && position >= 0; i++) position = this.#readRecord(bytes, start, end, position, Section.Authority, null);
    for (let i = 0; i < additionalCount && position >= 0; i++) position = this.#readRecord(bytes, start, end, position, Section.Additional, null);
    if (position < 0) return null;

    const opcodeNum = (flags >> 11) & 0xf;
    let response: DnsResponseData | null = null;
    if (isResponse) {
      const errorNum = this.#optTtl >= 0 ? ((this.#optTtl >>> 24) << 4) | (flags & 0xf) : flags & 0xf;
      response = {
        error: rcodeName(errorNum),
        errorNum,
        answers: answers!,
        isAuthoritative: (flags & 0x0400) !== 0,
        isRecursionAvailable: (flags & 0x0080) !== 0,
        isAuthenticData: (flags & 0x0020) !== 0,
        isRspTruncated: (flags & 0x0200) !== 0,
        processingTime: NaN,
        rspBytes: length,
        rspL2Bytes: 0,
        rspPkts: 0,
      };
    }

    return {
      qname,
      qtype: qtypeNum === null ? null : recordTypeName(qtypeNum),
      qtypeNum,
      opcode: opcodeName(opcodeNum),
      opcodeNum,
      txId,
      isRecursionDesired: (flags & 0x0100) !== 0,
      isCheckingDisabled: (flags & 0x0010) !== 0,
      reqBytes: isResponse ? 0 : length,
      reqL2Bytes: 0,
      reqPkts: 0,
      response,
    };
  }

  /** Reads one resource record; returns the offset after it, or -1 with `fault` set. */
  #readRecord(bytes: Uint8Array, start: number, end: number, offset: number, section: Section, answers: DnsAnswerData[] | null): number {
    const name = this.#names.read(bytes, start, end, offset, answers !== null);
    if (name === null) return this.#failRecord(this.#names.fault!);

    const position = this.#names.nameEnd;
    if (position + RECORD_FIXED_BYTES > end) return this.#failRecord('truncated-record');
    const typeNum = (bytes[position]! << 8) | bytes[position + 1]!;
    const recordClass = ((bytes[position + 2]! << 8) | bytes[position + 3]!) & CLASS_MASK;
    const ttl = ((bytes[position + 4]! << 24) | (bytes[position + 5]! << 16) | (bytes[position + 6]! << 8) | bytes[position + 7]!) >>> 0;
    const dataLength = (bytes[position + 8]! << 8) | bytes[position + 9]!;
    const dataStart = position + RECORD_FIXED_BYTES;
    const dataEnd = dataStart + dataLength;
    if (dataEnd > end) return this.#failRecord('truncated-record');

    if (typeNum === TYPE_OPT && section === Section.Additional) this.#optTtl = ttl;
    if (answers === null) return dataEnd;

    const data = this.#readData(bytes, start, end, typeNum, recordClass, dataStart, dataEnd);
    if (data === undefined) return -1;
    answers.push({ name, ttl, type: recordTypeName(typeNum), typeNum, data });
    return dataEnd;
  }

  /**
   * Record data as `DNS.answers[].data`: address text for A and AAAA, the name for NS, CNAME and
   * PTR, the exchange for MX, the target for SRV, the primary server for SOA, the joined strings
   * for TXT, and null for other types. Returns undefined with `fault` set when the data does not
   * fit its type. Empty data with class NONE or ANY (RFC 2136 deletions) gives null.
   */
  #readData(bytes: Uint8Array, start: number, end: number, typeNum: number, recordClass: number, dataStart: number, dataEnd: number): string | null | undefined {
    const dataLength = dataEnd - dataStart;
    if (dataLength === 0 && (recordClass === CLASS_NONE || recordClass === CLASS_ANY)) return null;

    switch (typeNum) {
      case TYPE_A:
        if (recordClass !== CLASS_IN) return null;
        if (dataLength !== 4) return this.#failData('bad-rdata-length');
        return formatIpv4(bytes, dataStart);
      case TYPE_AAAA:
        if (recordClass !== CLASS_IN) return null;
        if (dataLength !== 16) return this.#failData('bad-rdata-length');
        return formatIpv6(bytes, dataStart);
      case TYPE_NS:
      case TYPE_CNAME:
      case TYPE_PTR:
        return this.#readDataName(bytes, start, end, dataStart, dataEnd, true);
      case TYPE_MX:
        if (dataLength < 3) return this.#failData('bad-rdata-length');
        return this.#readDataName(bytes, start, end, dataStart + 2, dataEnd, true);
      case TYPE_SRV:
        if (dataLength < 7) return this.#failData('bad-rdata-length');
        return this.#readDataName(bytes, start, end, dataStart + 6, dataEnd, true);
      case TYPE_SOA:
        return this.#readSoa(bytes, start, end, dataStart, dataEnd);
      case TYPE_TXT:
        return this.#readTxt(bytes, dataStart, dataEnd);
      default:
        return null;
    }
  }

  /** Reads a name that must end exactly at `dataEnd` (or, with `mustEnd` false, before it). */
  #readDataName(bytes: Uint8Array, start: number, end: number, offset: number, dataEnd: number, mustEnd: boolean): string | undefined {
    const name = this.#names.read(bytes, start, end, offset, true, dataEnd, 'bad-rdata-length');
    if (name === null) return this.#failData(this.#names.fault!);
    if (mustEnd && this.#names.nameEnd !== dataEnd) return this.#failData('bad-rdata-length');
    return name;
  }

  #readSoa(bytes: Uint8Array, start: number, end: number, dataStart: number, dataEnd: number): string | undefined {
    const primary = this.#readDataName(bytes, start, end, dataStart, dataEnd, false);
    if (primary === undefined) return undefined;
    const mailbox = this.#names.read(bytes, start, end, this.#names.nameEnd, false, dataEnd, 'bad-rdata-length');
    if (mailbox === null) return this.#failData(this.#names.fault!);
    if (this.#names.nameEnd + 20 !== dataEnd) return this.#failData('bad-rdata-length');
    return primary;
  }

  /** Joins the character strings of a TXT record and decodes them as UTF-8. */
  #readTxt(bytes: Uint8Array, dataStart: number, dataEnd: number): string | undefined {
    if (dataStart === dataEnd) return this.#failData('bad-rdata-length');
    let joinedLength = 0;
    for (let position = dataStart; position < dataEnd; ) {
      const length = bytes[position]!;
      if (position + 1 + length > dataEnd) return this.#failData('bad-rdata-length');
      this.#txtBytes.set(bytes.subarray(position + 1, position + 1 + length), joinedLength);
      joinedLength += length;
      position += 1 + length;
    }
    return this.#txtBytes.toString('utf8', 0, joinedLength);
  }

  #fail(fault: FaultKind): null {
    this.fault = fault;
    return null;
  }

  #failRecord(fault: FaultKind): number {
    this.fault = fault;
    return -1;
  }

  #failData(fault: FaultKind): undefined {
    this.fault = fault;
    return undefined;
  }
}
