import type { DnsEventData, FlowData, TriggerEvent } from '@triggerbox/core';

/** Origin and carriers of one DNS message; the decoder reuses one instance. */
export interface MessageContext {
  transport: 'UDP' | 'TCP';
  ipVersion: 4 | 6;
  sourceIp: string;
  sourcePort: number;
  destinationIp: string;
  destinationPort: number;
  timestampMs: number;
  packets: number;
  l2Bytes: number;
  /** UDP port 5353: replies are not paired, because mDNS uses id 0 and multicast answers. */
  multicastDns: boolean;
  /** Compact key of client, server, transport and transaction id (see `pairingKey`). */
  pairingKey: string;
}

export interface PairingCounts {
  requests: number;
  responses: number;
  paired: number;
  unpairedResponses: number;
  duplicateResponses: number;
  timeouts: number;
}

interface PendingRequest {
  key: string;
  timestampMs: number;
  bytes: number;
  l2Bytes: number;
  packets: number;
  /** Dropped once answered, so that the flow of a finished exchange can be collected. */
  flow: FlowData | null;
  answered: boolean;
  /** The next request with the same key, sent later. */
  next: PendingRequest | null;
}

const ipv6KeyWords: number[] = new Array<number>(20).fill(0);

/**
 * Key of a request and its response: transport, client address and port, server address and
 * port, transaction id, as 16-bit characters. One flat short string hashes faster than the
 * flow id text would.
 */
export function pairingKey(
  transport: 'UDP' | 'TCP',
  ipVersion: 4 | 6,
  addresses: Uint8Array,
  clientAt: number,
  clientPort: number,
  serverAt: number,
  serverPort: number,
  txId: number,
): string {
  const protocol = transport === 'UDP' ? 17 : 6;
  if (ipVersion === 4) {
    return String.fromCharCode(
      protocol,
      (addresses[clientAt]! << 8) | addresses[clientAt + 1]!,
      (addresses[clientAt + 2]! << 8) | addresses[clientAt + 3]!,
      clientPort,
      (addresses[serverAt]! << 8) | addresses[serverAt + 1]!,
      (addresses[serverAt + 2]! << 8) | addresses[serverAt + 3]!,
      serverPort,
      txId,
    );
  }

  const words = ipv6KeyWords;
  words[0] = protocol;
  for (let i = 0; i < 8; i++) {
    words[1 + i] = (addresses[clientAt + 2 * i]! << 8) | addresses[clientAt + 2 * i + 1]!;
    words[10 + i] = (addresses[serverAt + 2 * i]! << 8) | addresses[serverAt + 2 * i + 1]!;
  }
  words[9] = clientPort;
  words[18] = serverPort;
  words[19] = txId;
  return String.fromCharCode.apply(null, words);
}

/** Builds the `Flow` of an event; the client is the side that sent the request. */
export function buildFlow(
  transport: 'UDP' | 'TCP',
  ipVersion: 4 | 6,
  clientIp: string,
  clientPort: number,
  serverIp: string,
  serverPort: number,
  multicastDns: boolean,
): FlowData {
  return {
    id: flowId(transport, ipVersion, clientIp, clientPort, serverIp, serverPort),
    client: { ipaddr: clientIp, port: clientPort },
    server: { ipaddr: serverIp, port: serverPort },
    ipproto: transport,
    ipver: ipVersion === 4 ? 'IPv4' : 'IPv6',
    l7proto: multicastDns ? 'MDNS' : 'DNS',
  };
}

/** Flow id such as `UDP 10.0.0.1:40000 > 8.8.8.8:53` or `TCP [2001:db8::1]:40000 > [2001:db8::53]:53`. */
export function flowId(transport: string, ipVersion: 4 | 6, clientIp: string, clientPort: number, serverIp: string, serverPort: number): string {
  return ipVersion === 4
    ? `${transport} ${clientIp}:${clientPort} > ${serverIp}:${serverPort}`
    : `${transport} [${clientIp}]:${clientPort} > [${serverIp}]:${serverPort}`;
}

/**
 * Pairs responses with requests by flow (client and server address and port, transport) and
 * transaction id. A response pairs with the oldest unanswered request of its key sent at most
 * `timeoutMs` before it. A request never answered in that window counts as a timeout, and so
 * does every request still unanswered when the input ends. A response whose key has only
 * answered requests in the window is a duplicate; one with no request in the window is unpaired.
 * Both are still delivered, with `processingTime` NaN and request sizes 0.
 */
export class RequestPairing {
  readonly counts: PairingCounts = { requests: 0, responses: 0, paired: 0, unpairedResponses: 0, duplicateResponses: 0, timeouts: 0 };
  readonly #timeoutMs: number;
  readonly #byKey = new Map<string, PendingRequest>();
  #queue: PendingRequest[] = [];
  #queueHead = 0;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** Requests waiting for a response or still inside the duplicate window. */
  get pendingCount(): number {
    return this.#queue.length - this.#queueHead;
  }

  request(dns: DnsEventData, context: MessageContext): TriggerEvent {
    this.counts.requests++;
    dns.reqL2Bytes = context.l2Bytes;
    dns.reqPkts = context.packets;
    const flow = buildFlow(context.transport, context.ipVersion, context.sourceIp, context.sourcePort, context.destinationIp, context.destinationPort, context.multicastDns);
    const event: TriggerEvent = { name: 'DNS_REQUEST', timestampMs: context.timestampMs, flow, dns };
    if (context.multicastDns) return event;

    const key = context.pairingKey;
    const pending: PendingRequest = {
      key,
      timestampMs: context.timestampMs,
      bytes: dns.reqBytes,
      l2Bytes: context.l2Bytes,
      packets: context.packets,
      flow,
      answered: false,
      next: null,
    };
    const first = this.#byKey.get(key);
    if (first === undefined) {
      this.#byKey.set(key, pending);
    } else {
      let last = first;
      while (last.next !== null) last = last.next;
      last.next = pending;
    }
    this.#queue.push(pending);
    return event;
  }

  response(dns: DnsEventData, context: MessageContext): TriggerEvent {
    this.counts.responses++;
    const response = dns.response!;
    response.rspL2Bytes = context.l2Bytes;
    response.rspPkts = context.packets;

    let match: PendingRequest | null = null;
    let sawKey = false;
    if (!context.multicastDns) {
      const first = this.#byKey.get(context.pairingKey);
      sawKey = first !== undefined;
      for (let candidate = first ?? null; candidate !== null; candidate = candidate.next) {
        if (!candidate.answered) {
          match = candidate;
          break;
        }
      }
    }

    if (match === null) {
      if (sawKey) this.counts.duplicateResponses++;
      else this.counts.unpairedResponses++;
      const flow = buildFlow(context.transport, context.ipVersion, context.destinationIp, context.destinationPort, context.sourceIp, context.sourcePort, context.multicastDns);
      return { name: 'DNS_RESPONSE', timestampMs: context.timestampMs, flow, dns };
    }

    this.counts.paired++;
    const flow = match.flow!;
    match.answered = true;
    match.flow = null;
    response.processingTime = context.timestampMs - match.timestampMs;
    dns.reqBytes = match.bytes;
    dns.reqL2Bytes = match.l2Bytes;
    dns.reqPkts = match.packets;
    return { name: 'DNS_RESPONSE', timestampMs: context.timestampMs, flow, dns };
  }

  /** Ends the window of requests sent more than the timeout before capture time `nowMs`. */
  expire(nowMs: number): void {
    const queue = this.#queue;
    let head = this.#queueHead;
    while (head < queue.length && nowMs - queue[head]!.timestampMs > this.#timeoutMs) {
      this.#retire(queue[head]!);
      head++;
    }
    this.#queueHead = head;
    if (head > 4096 && head * 2 > queue.length) {
      this.#queue = queue.slice(head);
      this.#queueHead = 0;
    }
  }

  /** Counts every request still unanswered at the end of the input as a timeout. */
  finish(): void {
    for (let i = this.#queueHead; i < this.#queue.length; i++) this.#retire(this.#queue[i]!);
    this.#queue = [];
    this.#queueHead = 0;
  }

  #retire(pending: PendingRequest): void {
    if (!pending.answered) this.counts.timeouts++;
    const first = this.#byKey.get(pending.key);
    if (first === pending) {
      if (pending.next === null) this.#byKey.delete(pending.key);
      else this.#byKey.set(pending.key, pending.next);
      return;
    }
    for (let previous = first; previous !== undefined && previous.next !== null; previous = previous.next) {
      if (previous.next === pending) {
        previous.next = pending.next;
        return;
      }
    }
  }
}
