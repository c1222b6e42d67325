import { isIP } from 'node:net';
import type { DnsAnswerData, DnsEventData, DnsResponseData, FlowData, TriggerEvent } from '@triggerbox/core';
import { opcodeName, opcodeNumber, rcodeName, rcodeNumber, recordTypeName, recordTypeNumber } from './dns-tables.js';
import { flowId } from './pairing.js';

type JsonObject = Record<string, unknown>;

/** Thrown inside this module for a line that is not a valid event; carries the reason. */
class InvalidEvent extends Error {}

/**
 * Formats one event as a JSON line. NaN (`processingTime` of an unpaired response) becomes null, which
 * `parseEventJson` turns back into NaN.
 */
export function eventToJsonLine(event: TriggerEvent): string {
  return JSON.stringify({ name: event.name, timestampMs: event.timestampMs, flow: event.flow, dns: event.dns });
}

/**
 * Builds a DNS event from one parsed JSON value, filling the fields a hand-written line may
 * leave out (see docs/replay-events.md). Returns the event, or a string saying what is invalid.
 */
export function parseEventJson(value: unknown): TriggerEvent | string {
  try {
    return toEvent(value);
  } catch (error) {
    if (error instanceof InvalidEvent) return error.message;
    throw error;
  }
}

function toEvent(value: unknown): TriggerEvent {
  const object = expectObject(value, 'the line');
  const name = object['name'];
  if (name !== 'DNS_REQUEST' && name !== 'DNS_RESPONSE') throw new InvalidEvent(`"name" must be "DNS_REQUEST" or "DNS_RESPONSE", got ${describe(name)}`);

  const timestampMs = readTimestamp(object);
  const flow = toFlow(expectObject(object['flow'], '"flow"'));
  const dns = toDns(expectObject(object['dns'], '"dns"'), name === 'DNS_RESPONSE');
  return { name, timestampMs, flow, dns };
}

function readTimestamp(object: JsonObject): number {
  const timestampMs = object['timestampMs'];
  if (typeof timestampMs === 'number' && Number.isFinite(timestampMs)) return timestampMs;
  if (timestampMs !== undefined) throw new InvalidEvent(`"timestampMs" must be a finite number of milliseconds since the epoch, got ${describe(timestampMs)}`);

  const time = object['time'];
  if (typeof time === 'string' && !Number.isNaN(Date.parse(time))) return Date.parse(time);
  throw new InvalidEvent(`the event needs "timestampMs" (milliseconds since the epoch) or "time" (ISO 8601 text), got ${describe(time)}`);
}

function toFlow(object: JsonObject): FlowData {
  const client = toEndpoint(object['client'], '"flow.client"', 0);
  const server = toEndpoint(object['server'], '"flow.server"', 53);
  const clientVersion = isIP(client.ipaddr);
  if (clientVersion !== isIP(server.ipaddr)) throw new InvalidEvent(`"flow.client.ipaddr" and "flow.server.ipaddr" must be of the same IP version, got ${client.ipaddr} and ${server.ipaddr}`);
  const ipVersion = clientVersion === 4 ? 4 : 6;
  const ipver = ipVersion === 4 ? 'IPv4' : 'IPv6';
  if (object['ipver'] !== undefined && object['ipver'] !== ipver) throw new InvalidEvent(`"flow.ipver" is ${describe(object['ipver'])} but the addresses are ${ipver}`);

  const ipproto = object['ipproto'] ?? 'UDP';
  if (ipproto !== 'UDP' && ipproto !== 'TCP') throw new InvalidEvent(`"flow.ipproto" must be "UDP" or "TCP", got ${describe(ipproto)}`);
  const l7proto = optionalString(object, 'l7proto', '"flow.l7proto"') ?? 'DNS';
  const id = optionalString(object, 'id', '"flow.id"') ?? flowId(ipproto, ipVersion, client.ipaddr, client.port, server.ipaddr, server.port);
  return { id, client, server, ipproto, ipver, l7proto };
}

function toEndpoint(value: unknown, label: string, defaultPort: number): { ipaddr: string; port: number } {
  const object = expectObject(value, label);
  const ipaddr = object['ipaddr'];
  if (typeof ipaddr !== 'string' || isIP(ipaddr) === 0) throw new InvalidEvent(`${label}.ipaddr must be an IPv4 or IPv6 address, got ${describe(ipaddr)}`);
  const port = object['port'] ?? defaultPort;
  if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535) throw new InvalidEvent(`${label}.port must be an integer from 0 to 65535, got ${describe(port)}`);
  return { ipaddr, port: port as number };
}

function toDns(object: JsonObject, isResponse: boolean): DnsEventData {
  const qname = object['qname'] ?? null;
  if (qname !== null && typeof qname !== 'string') throw new InvalidEvent(`"dns.qname" must be a string or null, got ${describe(qname)}`);
  const [qtype, qtypeNum] = qname === null && object['qtype'] === undefined && object['qtypeNum'] === undefined ? [null, null] : readType(object, 'qtype', 'qtypeNum', '"dns.');
  const [opcode, opcodeNum] = readOpcode(object);
  const response = isResponse ? toResponse(object['response'] ?? {}, qname) : null;
  if (!isResponse && object['response'] !== undefined && object['response'] !== null) throw new InvalidEvent('"dns.response" must be null or absent on a DNS_REQUEST');

  return {
    qname,
    qtype,
    qtypeNum,
    opcode,
    opcodeNum,
    txId: integerField(object, 'txId', '"dns.txId"', 0, 0xffff),
    isRecursionDesired: booleanField(object, 'isRecursionDesired', '"dns.isRecursionDesired"'),
    isCheckingDisabled: booleanField(object, 'isCheckingDisabled', '"dns.isCheckingDisabled"'),
    reqBytes: integerField(object, 'reqBytes', '"dns.reqBytes"', 0, Number.MAX_SAFE_INTEGER),
    reqL2Bytes: integerField(object, 'reqL2Bytes', '"dns.reqL2Bytes"', 0, Number.MAX_SAFE_INTEGER),
    reqPkts: integerField(object, 'reqPkts', '"dns.reqPkts"', 0, Number.MAX_SAFE_INTEGER),
    response,
  };
}

function toResponse(value: unknown, qname: string | null): DnsResponseData {
  const object = expectObject(value, '"dns.response"');
  const [error, errorNum] = readRcode(object);
  const answersValue = object['answers'] ?? [];
  if (!Array.isArray(answersValue)) throw new InvalidEvent(`"dns.response.answers" must be an array, got ${describe(answersValue)}`);
  const processingTime = object['processingTime'] ?? null;
  if (processingTime !== null && (typeof processingTime !== 'number' || !Number.isFinite(processingTime))) {
    throw new InvalidEvent(`"dns.response.processingTime" must be a number of milliseconds or null, got ${describe(processingTime)}`);
  }

  return {
    error,
    errorNum,
    answers: answersValue.map((answer, index) => toAnswer(answer, index, qname)),
    isAuthoritative: booleanField(object, 'isAuthoritative', '"dns.response.isAuthoritative"'),
    isRecursionAvailable: booleanField(object, 'isRecursionAvailable', '"dns.response.isRecursionAvailable"'),
    isAuthenticData: booleanField(object, 'isAuthenticData', '"dns.response.isAuthenticData"'),
    isRspTruncated: booleanField(object, 'isRspTruncated', '"dns.response.isRspTruncated"'),
    processingTime: processingTime ?? NaN,
    rspBytes: integerField(object, 'rspBytes', '"dns.response.rspBytes"', 0, Number.MAX_SAFE_INTEGER),
    rspL2Bytes: integerField(object, 'rspL2Bytes', '"dns.response.rspL2Bytes"', 0, Number.MAX_SAFE_INTEGER),
    rspPkts: integerField(object, 'rspPkts', '"dns.response.rspPkts"', 0, Number.MAX_SAFE_INTEGER),
  };
}

function toAnswer(value: unknown, index: number, qname: string | null): DnsAnswerData {
  const label = `"dns.response.answers[${index}]`;
  const object = expectObject(value, `${label}"`);
  const name = object['name'] ?? qname ?? '';
  if (typeof name !== 'string') throw new InvalidEvent(`${label}.name" must be a string, got ${describe(name)}`);
  const [type, typeNum] = readType(object, 'type', 'typeNum', `${label}.`);
  const data = object['data'] ?? null;
  if (data !== null && typeof data !== 'string') throw new InvalidEvent(`${label}.data" must be a string or null, got ${describe(data)}`);
  return { name, ttl: integerField(object, 'ttl', `${label}.ttl"`, 0, 0xffffffff), type, typeNum, data };
}

/** Reads a record type given by name, by number or both (they must agree); the default is A. */
function readType(object: JsonObject, nameKey: string, numberKey: string, label: string): [string, number] {
  const name = object[nameKey];
  const num = object[numberKey];
  if (num !== undefined && (!Number.isInteger(num) || (num as number) < 0 || (num as number) > 0xffff)) {
    throw new InvalidEvent(`${label}${numberKey}" must be an integer from 0 to 65535, got ${describe(num)}`);
  }
  if (name === undefined) return num === undefined ? ['A', 1] : [recordTypeName(num as number), num as number];
  if (typeof name !== 'string') throw new InvalidEvent(`${label}${nameKey}" must be a record type name such as "A", got ${describe(name)}`);
  if (num !== undefined) return [name, num as number];
  const known = recordTypeNumber(name);
  if (known === undefined) throw new InvalidEvent(`${label}${nameKey}" ${describe(name)} is not a known record type; give "${numberKey}" as well`);
  return [recordTypeName(known), known];
}

function readOpcode(object: JsonObject): [string, number] {
  const name = object['opcode'];
  const num = object['opcodeNum'];
  if (num !== undefined) {
    if (!Number.isInteger(num) || (num as number) < 0 || (num as number) > 15) throw new InvalidEvent(`"dns.opcodeNum" must be an integer from 0 to 15, got ${describe(num)}`);
    return [opcodeName(num as number), num as number];
  }
  if (name === undefined) return ['QUERY', 0];
  const known = typeof name === 'string' ? opcodeNumber(name) : undefined;
  if (known === undefined) throw new InvalidEvent(`"dns.opcode" must be QUERY, IQUERY, STATUS, NOTIFY, UPDATE or DSO (or give "opcodeNum"), got ${describe(name)}`);
  return [opcodeName(known), known];
}

function readRcode(object: JsonObject): [string | null, number] {
  const name = object['error'];
  const num = object['errorNum'];
  if (num !== undefined) {
    if (!Number.isInteger(num) || (num as number) < 0 || (num as number) > 4095) throw new InvalidEvent(`"dns.response.errorNum" must be an integer from 0 to 4095, got ${describe(num)}`);
    return [rcodeName(num as number), num as number];
  }
  if (name === undefined || name === null) return [null, 0];
  const known = typeof name === 'string' ? rcodeNumber(name) : undefined;
  if (known === undefined) throw new InvalidEvent(`"dns.response.error" must be a response-code name such as "NXDOMAIN" or null, got ${describe(name)}`);
  return [rcodeName(known), known];
}

function expectObject(value: unknown, label: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidEvent(`${label} must be a JSON object, got ${describe(value)}`);
  return value as JsonObject;
}

function optionalString(object: JsonObject, key: string, label: string): string | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidEvent(`${label} must be a string, got ${describe(value)}`);
  return value;
}

function booleanField(object: JsonObject, key: string, label: string): boolean {
  const value = object[key] ?? false;
  if (typeof value !== 'boolean') throw new InvalidEvent(`${label} must be true or false, got ${describe(value)}`);
  return value;
}

function integerField(object: JsonObject, key: string, label: string, min: number, max: number): number {
  const value = object[key] ?? 0;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) throw new InvalidEvent(`${label} must be an integer from ${min} to ${max}, got ${describe(value)}`);
  return value as number;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
