import { replayError } from './errors.js';
import { opcodeNumber, rcodeNumber, recordTypeNumber } from './dns-tables.js';
import { parseIpAddress } from './ip-address.js';

/** One question; `type` is a name such as "AAAA" or a number (default A), `class` defaults to IN. */
export interface DnsQuestionSpec {
  name: string;
  type?: string | number;
  class?: number;
}

/**
 * One resource record. `data` is typed by the record type: address text for A and AAAA, a name
 * for NS, CNAME, PTR, MX (the exchange), SRV (the target) and SOA (the primary server), text
 * or a list of strings for TXT. Raw bytes are used as the record data of any type as they are,
 * which is how tests build records whose length does not fit their type.
 */
export interface DnsRecordSpec {
  /** Owner name; defaults to the first question's name. */
  name?: string;
  type: string | number;
  class?: number;
  ttl?: number;
  data: string | string[] | Uint8Array;
  /** MX preference (default 10). */
  preference?: number;
  /** SRV fields (default 0). */
  priority?: number;
  weight?: number;
  port?: number;
  /** SOA fields after the primary server; defaults are 0 and `hostmaster.<zone>`. */
  soa?: { mailbox?: string; serial?: number; refresh?: number; retry?: number; expire?: number; minimum?: number };
}

export interface DnsMessageSpec {
  id?: number;
  response?: boolean;
  /** Opcode name or number (default QUERY). */
  opcode?: string | number;
  authoritative?: boolean;
  truncated?: boolean;
  /** Default true. */
  recursionDesired?: boolean;
  recursionAvailable?: boolean;
  authenticData?: boolean;
  checkingDisabled?: boolean;
  /** Response code name or number (default NOERROR); codes above 15 need `edns`. */
  rcode?: string | number;
  questions?: DnsQuestionSpec[];
  answers?: DnsRecordSpec[];
  authorities?: DnsRecordSpec[];
  additionals?: DnsRecordSpec[];
  /** Adds an OPT record (RFC 6891) last in the additional section. */
  edns?: { udpPayloadSize?: number; dnssecOk?: boolean };
  /** Compress names with pointers to earlier ones (default true). */
  compress?: boolean;
}

/** Shorthand for a query with one question. */
export interface DnsQuerySpec {
  id?: number;
  name: string;
  type?: string | number;
  recursionDesired?: boolean;
  checkingDisabled?: boolean;
  opcode?: string | number;
  edns?: DnsMessageSpec['edns'];
}

/** Shorthand for a response with one question; answer strings are data of the question's type. */
export interface DnsResponseSpec extends DnsQuerySpec {
  answers?: Array<DnsRecordSpec | string>;
  authorities?: DnsRecordSpec[];
  additionals?: DnsRecordSpec[];
  rcode?: string | number;
  authoritative?: boolean;
  truncated?: boolean;
  recursionAvailable?: boolean;
  authenticData?: boolean;
  ttl?: number;
}

const MAX_LABEL_BYTES = 63;
const MAX_NAME_BYTES = 255;
const MAX_POINTER_OFFSET = 0x3fff;

/** Builds a query with one question. */
export function buildDnsQuery(spec: DnsQuerySpec): Buffer {
  return buildDnsMessage({
    id: spec.id ?? 0,
    opcode: spec.opcode ?? 0,
    recursionDesired: spec.recursionDesired ?? true,
    checkingDisabled: spec.checkingDisabled ?? false,
    questions: [{ name: spec.name, type: spec.type ?? 'A' }],
    ...(spec.edns === undefined ? {} : { edns: spec.edns }),
  });
}

/** Builds a response to the query `spec` describes, with its answers and response code. */
export function buildDnsResponse(spec: DnsResponseSpec): Buffer {
  const type = spec.type ?? 'A';
  const answers = (spec.answers ?? []).map((answer): DnsRecordSpec => (typeof answer === 'string' ? { name: spec.name, type, ttl: spec.ttl ?? 300, data: answer } : answer));
  return buildDnsMessage({
    id: spec.id ?? 0,
    response: true,
    opcode: spec.opcode ?? 0,
    authoritative: spec.authoritative ?? false,
    truncated: spec.truncated ?? false,
    recursionDesired: spec.recursionDesired ?? true,
    recursionAvailable: spec.recursionAvailable ?? true,
    authenticData: spec.authenticData ?? false,
    checkingDisabled: spec.checkingDisabled ?? false,
    rcode: spec.rcode ?? 0,
    questions: [{ name: spec.name, type }],
    answers,
    authorities: spec.authorities ?? [],
    additionals: spec.additionals ?? [],
    ...(spec.edns === undefined ? {} : { edns: spec.edns }),
  });
}

/** Builds a DNS message in wire form (RFC 1035 section 4.1). */
export function buildDnsMessage(spec: DnsMessageSpec): Buffer {
  const writer = new MessageWriter(spec.compress ?? true);
  const questions = spec.questions ?? [];
  const answers = spec.answers ?? [];
  const authorities = spec.authorities ?? [];
  const additionals = spec.additionals ?? [];
  const rcode = resolveRcode(spec.rcode ?? 0);
  if (rcode > 15 && spec.edns === undefined) invalid(`rcode ${rcode} needs the extended bits of an OPT record; set "edns"`);

  const opcode = typeof spec.opcode === 'string' ? opcodeNumber(spec.opcode) : (spec.opcode ?? 0);
  if (opcode === undefined || opcode < 0 || opcode > 15) invalid(`opcode ${JSON.stringify(spec.opcode)} is not QUERY, IQUERY, STATUS, NOTIFY, UPDATE, DSO or a number from 0 to 15`);
  let flags = (opcode << 11) | (rcode & 0xf);
  if (spec.response) flags |= 0x8000;
  if (spec.authoritative) flags |= 0x0400;
  if (spec.truncated) flags |= 0x0200;
  if (spec.recursionDesired ?? true) flags |= 0x0100;
  if (spec.recursionAvailable) flags |= 0x0080;
  if (spec.authenticData) flags |= 0x0020;
  if (spec.checkingDisabled) flags |= 0x0010;

  const additionalCount = additionals.length + (spec.edns === undefined ? 0 : 1);
  writer.u16(checkRange(spec.id ?? 0, 0xffff, 'id'));
  writer.u16(flags);
  writer.u16(questions.length);
  writer.u16(answers.length);
  writer.u16(authorities.length);
  writer.u16(additionalCount);

  for (const question of questions) {
    writer.name(question.name);
    writer.u16(resolveType(question.type ?? 'A'));
    writer.u16(question.class ?? 1);
  }
  const defaultOwner = questions[0]?.name ?? '';
  for (const record of [...answers, ...authorities, ...additionals]) writeRecord(writer, record, defaultOwner);
  if (spec.edns !== undefined) {
    writer.name('');
    writer.u16(41);
    writer.u16(spec.edns.udpPayloadSize ?? 1232);
    writer.u32(((rcode >> 4) << 24) | (spec.edns.dnssecOk ? 0x8000 : 0));
    writer.u16(0);
  }
  return writer.toBuffer();
}

function writeRecord(writer: MessageWriter, record: DnsRecordSpec, defaultOwner: string): void {
  const type = resolveType(record.type);
  writer.name(record.name ?? defaultOwner);
  writer.u16(type);
  writer.u16(record.class ?? 1);
  writer.u32(checkRange(record.ttl ?? 300, 0xffffffff, 'ttl'));
  const lengthAt = writer.reserveU16();
  const dataStart = writer.length;
  writeData(writer, type, record);
  writer.patchU16(lengthAt, writer.length - dataStart);
}

function writeData(writer: MessageWriter, type: number, record: DnsRecordSpec): void {
  const data = record.data;
  if (data instanceof Uint8Array) return writer.bytes(data);

  switch (type) {
    case 1:
    case 28: {
      const address = typeof data === 'string' ? parseIpAddress(data) : null;
      const expected = type === 1 ? 4 : 16;
      if (address === null || address.length !== expected) invalid(`${type === 1 ? 'A' : 'AAAA'} record data ${JSON.stringify(data)} is not an IPv${type === 1 ? 4 : 6} address`);
      return writer.bytes(address);
    }
    case 2:
    case 5:
    case 12:
      return writer.name(expectText(data, type));
    case 15:
      writer.u16(record.preference ?? 10);
      return writer.name(expectText(data, type));
    case 33:
      writer.u16(record.priority ?? 0);
      writer.u16(record.weight ?? 0);
      writer.u16(record.port ?? 0);
      return writer.name(expectText(data, type), false);
    case 6: {
      const primary = expectText(data, type);
      const soa = record.soa ?? {};
      writer.name(primary);
      writer.name(soa.mailbox ?? `hostmaster.${record.name ?? primary}`);
      for (const value of [soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum]) writer.u32(value ?? 0);
      return;
    }
    case 16: {
      const strings = typeof data === 'string' ? [data] : data;
      for (const text of strings) {
        const bytes = Buffer.from(text, 'utf8');
        for (let start = 0; start === 0 || start < bytes.length; start += 255) {
          const chunk = bytes.subarray(start, start + 255);
          writer.u8(chunk.length);
          writer.bytes(chunk);
        }
      }
      return;
    }
    default:
      invalid(`record type ${type} takes its data as bytes (Uint8Array), got ${JSON.stringify(data)}`);
  }
}

/**
 * Wire form of a name written as text: labels split on dots, `\DDD` and `\X` escapes as in
 * zone files, an optional trailing dot, and "" or "." for the root.
 */
export function encodeDnsName(text: string): Uint8Array[] {
  if (text === '' || text === '.') return [];
  const labels: Uint8Array[] = [];
  let current: number[] = [];
  let wireBytes = 1;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x2e) {
      if (current.length === 0) invalid(`name ${JSON.stringify(text)} has an empty label`);
      labels.push(Uint8Array.from(current));
      wireBytes += current.length + 1;
      current = [];
      continue;
    }
    if (char === 0x5c) {
      const digits = text.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(digits) && Number(digits) <= 255) {
        current.push(Number(digits));
        i += 3;
      } else if (i + 1 < text.length) {
        current.push(text.charCodeAt(++i));
      } else {
        invalid(`name ${JSON.stringify(text)} ends with a lone backslash`);
      }
      continue;
    }
    if (char > 0xff) invalid(`name ${JSON.stringify(text)} has a character outside Latin-1; write its bytes as \\DDD escapes`);
    current.push(char);
  }
  if (current.length > 0) {
    labels.push(Uint8Array.from(current));
    wireBytes += current.length + 1;
  }
  for (const label of labels) {
    if (label.length > MAX_LABEL_BYTES) invalid(`name ${JSON.stringify(text)} has a label of ${label.length} bytes; the maximum is ${MAX_LABEL_BYTES}`);
  }
  if (wireBytes > MAX_NAME_BYTES) invalid(`name ${JSON.stringify(text)} takes ${wireBytes} bytes; the maximum is ${MAX_NAME_BYTES}`);
  return labels;
}

/** Appends message bytes and remembers where each name suffix was written, for compression. */
class MessageWriter {
  #buffer = Buffer.alloc(512);
  #length = 0;
  readonly #suffixes = new Map<string, number>();
  readonly #compress: boolean;

  constructor(compress: boolean) {
    this.#compress = compress;
  }

  get length(): number {
    return this.#length;
  }

  u8(value: number): void {
    this.#grow(1);
    this.#buffer[this.#length++] = value;
  }

  u16(value: number): void {
    this.#grow(2);
    this.#buffer.writeUInt16BE(value, this.#length);
    this.#length += 2;
  }

  u32(value: number): void {
    this.#grow(4);
    this.#buffer.writeUInt32BE(value >>> 0, this.#length);
    this.#length += 4;
  }

  bytes(data: Uint8Array): void {
    this.#grow(data.length);
    this.#buffer.set(data, this.#length);
    this.#length += data.length;
  }

  reserveU16(): number {
    this.u16(0);
    return this.#length - 2;
  }

  patchU16(at: number, value: number): void {
    this.#buffer.writeUInt16BE(value, at);
  }

  name(text: string, compress = this.#compress): void {
    const labels = encodeDnsName(text);
    for (let i = 0; i < labels.length; i++) {
      const key = labels.slice(i).map((label) => Buffer.from(label).toString('latin1')).join('\u0000');
      const earlier = compress ? this.#suffixes.get(key) : undefined;
      if (earlier !== undefined) {
        this.u16(0xc000 | earlier);
        return;
      }
      if (this.#length <= MAX_POINTER_OFFSET && !this.#suffixes.has(key)) this.#suffixes.set(key, this.#length);
      this.u8(labels[i]!.length);
      this.bytes(labels[i]!);
    }
    this.u8(0);
  }

  toBuffer(): Buffer {
    return Buffer.from(this.#buffer.subarray(0, this.#length));
  }

  #grow(count: number): void {
    if (this.#length + count <= this.#buffer.length) return;
    const larger = Buffer.alloc(Math.max(this.#buffer.length * 2, this.#length + count));
    this.#buffer.copy(larger, 0, 0, this.#length);
    this.#buffer = larger;
  }
}

function resolveType(type: string | number): number {
  if (typeof type === 'number') return checkRange(type, 0xffff, 'record type');
  const value = recordTypeNumber(type);
  if (value === undefined) invalid(`record type ${JSON.stringify(type)} is unknown; give its number instead`);
  return value;
}

function resolveRcode(rcode: string | number): number {
  if (typeof rcode === 'number') return checkRange(rcode, 0xfff, 'rcode');
  const value = rcodeNumber(rcode);
  if (value === undefined) invalid(`response code ${JSON.stringify(rcode)} is unknown; give its number instead`);
  return value;
}

function expectText(data: string | string[], type: number): string {
  if (typeof data !== 'string') invalid(`record type ${type} takes one name as its data, got ${JSON.stringify(data)}`);
  return data;
}

function checkRange(value: number, max: number, label: string): number {
  if (!Number.isInteger(value) || value < 0 || value > max) invalid(`${label} must be an integer from 0 to ${max}, got ${value}`);
  return value;
}

function invalid(message: string): never {
  throw replayError('TB_ERR_REPLAY_INVALID_PACKET_SPEC', `Invalid DNS message spec: ${message}.`);
}
