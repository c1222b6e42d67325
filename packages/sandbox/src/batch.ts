import { EVENT_NAMES, type TriggerEvent } from '@triggerbox/core';
import { sandboxError } from './errors.js';
import type { BatchColumnName } from './isolate-contract.js';

/**
 * Field order of the flat `dns` column, `DNS_FIELDS.length` values per event. `answers` is itself a
 * flat array of name, ttl, type, typeNum and data per record.
 */
export const DNS_FIELDS = [
  'present', 'qname', 'qtype', 'qtypeNum', 'opcode', 'opcodeNum', 'txId',
  'isRecursionDesired', 'isCheckingDisabled', 'reqBytes', 'reqL2Bytes', 'reqPkts',
  'hasResponse', 'error', 'errorNum', 'answers', 'isAuthoritative', 'isRecursionAvailable',
  'isAuthenticData', 'isRspTruncated', 'processingTime', 'rspBytes', 'rspL2Bytes', 'rspPkts',
] as const;

/** Field order of the flat `flow` column. */
export const FLOW_FIELDS = [
  'present', 'id', 'clientIpaddr', 'clientPort', 'serverIpaddr', 'serverPort', 'ipproto', 'ipver', 'l7proto',
] as const;

const EVENT_CODES = new Map<string, number>(EVENT_NAMES.map((name, code) => [name, code]));

/**
 * One batch of events as isolates receive it: event codes and timestamps up front, the rest in
 * columns built on first request. Flat arrays of primitives copy into an isolate several times
 * faster than arrays of objects, and most triggers read only a few parts of an event.
 */
export class EventBatch {
  readonly id: number;
  readonly events: readonly TriggerEvent[];
  readonly names: Uint8Array;
  readonly timestamps: Float64Array;
  readonly #columns = new Map<BatchColumnName, unknown[]>();

  constructor(id: number, events: readonly TriggerEvent[]) {
    this.id = id;
    this.events = events;
    this.names = new Uint8Array(events.length);
    this.timestamps = new Float64Array(events.length);
    events.forEach((event, index) => {
      const code = EVENT_CODES.get(event?.name);
      if (code === undefined) {
        throw sandboxError('TB_ERR_SANDBOX_INVALID_EVENT', `fire: event ${index} has the unknown name ${JSON.stringify(event?.name)}; expected one of ${EVENT_NAMES.join(', ')}.`);
      }
      this.names[index] = code;
      this.timestamps[index] = event.timestampMs;
    });
  }

  get length(): number {
    return this.events.length;
  }

  /** Whether any event of the batch has one of the codes marked in `subscribed`. */
  hasAny(subscribed: ReadonlySet<number>): boolean {
    return this.names.some((code) => subscribed.has(code));
  }

  column(name: BatchColumnName): unknown[] {
    let values = this.#columns.get(name);
    if (values === undefined) {
      values = encodeColumn(this.events, name);
      this.#columns.set(name, values);
    }
    return values;
  }
}

export function eventCode(name: string): number {
  return EVENT_CODES.get(name) ?? -1;
}

function encodeColumn(events: readonly TriggerEvent[], name: BatchColumnName): unknown[] {
  switch (name) {
    case 'dns':
      return encodeDns(events);
    case 'flow':
      return encodeFlow(events);
    case 'expiredKeys':
      return events.map((event) => event.expiredKeys ?? null);
    case 'remoteResponse':
      return events.map((event) => event.remoteResponse ?? null);
  }
}

function encodeDns(events: readonly TriggerEvent[]): unknown[] {
  const values: unknown[] = [];
  for (const event of events) {
    const dns = event.dns;
    if (dns === undefined) {
      for (let field = 0; field < DNS_FIELDS.length; field++) values.push(field === 0 ? false : null);
      continue;
    }
    const response = dns.response;
    let answers: unknown[] | null = null;
    if (response !== null) {
      answers = [];
      for (const answer of response.answers) answers.push(answer.name, answer.ttl, answer.type, answer.typeNum, answer.data);
    }
    values.push(
      true, dns.qname, dns.qtype, dns.qtypeNum, dns.opcode, dns.opcodeNum, dns.txId,
      dns.isRecursionDesired, dns.isCheckingDisabled, dns.reqBytes, dns.reqL2Bytes, dns.reqPkts,
      response !== null, response?.error ?? null, response?.errorNum ?? null, answers,
      response?.isAuthoritative ?? null, response?.isRecursionAvailable ?? null,
      response?.isAuthenticData ?? null, response?.isRspTruncated ?? null,
      response?.processingTime ?? null, response?.rspBytes ?? null, response?.rspL2Bytes ?? null,
      response?.rspPkts ?? null,
    );
  }
  return values;
}

function encodeFlow(events: readonly TriggerEvent[]): unknown[] {
  const values: unknown[] = [];
  for (const event of events) {
    const flow = event.flow;
    if (flow === undefined) {
      for (let field = 0; field < FLOW_FIELDS.length; field++) values.push(field === 0 ? false : null);
      continue;
    }
    values.push(true, flow.id, flow.client.ipaddr, flow.client.port, flow.server.ipaddr, flow.server.port, flow.ipproto, flow.ipver, flow.l7proto);
  }
  return values;
}
