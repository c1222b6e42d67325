import type { FaultKind } from './faults.js';

/** A TCP stream direction with no segment for this long (capture time) is closed. */
export const TCP_IDLE_TIMEOUT_MS = 120_000;
/** Stream directions followed at once; the oldest is closed beyond this. */
export const MAX_TCP_DIRECTIONS = 16_384;
/** Out-of-order data kept per direction while waiting for a hole to fill. */
const MAX_OUT_OF_ORDER_SEGMENTS = 256;
const MAX_OUT_OF_ORDER_BYTES = 1 << 20;
const DNS_HEADER_BYTES = 12;
const TCP_FIN = 0x01;
const TCP_SYN = 0x02;
const TCP_RST = 0x04;

/** Addresses and ports of one stream direction, from the sender's side. */
export interface StreamEndpoints {
  sourcePort: number;
  destinationPort: number;
  ipVersion: 4 | 6;
  /** Source address bytes followed by destination address bytes. */
  addresses: Uint8Array;
}

/** Receives each DNS message framed out of a stream (RFC 1035 section 4.2.2). */
export type TcpMessageSink = (
  bytes: Uint8Array,
  start: number,
  length: number,
  endpoints: StreamEndpoints,
  packets: number,
  l2Bytes: number,
  timestampMs: number,
) => void;

interface PendingSegment {
  seq: number;
  data: Uint8Array;
  serial: number;
  l2Bytes: number;
  timestampMs: number;
}

interface Direction {
  endpoints: StreamEndpoints;
  nextSeq: number;
  finSeq: number;
  lastSeenMs: number;
  dead: boolean;
  prefixBytes: number;
  prefixValue: number;
  body: Buffer | null;
  bodyFilled: number;
  messagePackets: number;
  messageL2Bytes: number;
  lastSerial: number;
  outOfOrder: PendingSegment[];
  outOfOrderBytes: number;
}

/**
 * Reassembles DNS-over-TCP streams: retransmitted bytes are dropped, out-of-order segments wait
 * until the hole before them fills, and the stream is cut into messages by their 2-byte length
 * prefixes, whether a message spans segments or a segment carries several messages. A capture
 * that starts after the handshake is read from its first data segment, which is taken to start
 * a message. A message counts every packet that carried at least one of its bytes.
 */
export class TcpReassembler {
  readonly #directions = new Map<string, Direction>();
  readonly #onMessage: TcpMessageSink;
  readonly #reportFault: (fault: FaultKind) => void;
  #serial = 0;

  constructor(onMessage: TcpMessageSink, reportFault: (fault: FaultKind) => void) {
    this.#onMessage = onMessage;
    this.#reportFault = reportFault;
  }

  get size(): number {
    return this.#directions.size;
  }

  /**
   * Adds one segment sent from `key`'s source; `reverseKey` names the opposite direction, which
   * a reset closes too. `cut` means the capture lost the end of the payload.
   */
  segment(
    key: string,
    reverseKey: string,
    endpoints: () => StreamEndpoints,
    seq: number,
    flags: number,
    bytes: Uint8Array,
    start: number,
    end: number,
    cut: boolean,
    l2Bytes: number,
    timestampMs: number,
  ): void {
    if (flags & TCP_RST) {
      this.#close(key);
      this.#close(reverseKey);
      return;
    }

    let direction = this.#directions.get(key);
    if (direction === undefined) {
      if (end === start && !(flags & TCP_SYN)) return;
      direction = newDirection(endpoints());
      this.#directions.set(key, direction);
      if (this.#directions.size > MAX_TCP_DIRECTIONS) this.#closeOldest();
    }
    direction.lastSeenMs = timestampMs;

    let dataSeq = seq;
    if (flags & TCP_SYN) {
      dataSeq = (seq + 1) >>> 0;
      direction.nextSeq = dataSeq;
    }
    if (flags & TCP_FIN) direction.finSeq = (dataSeq + (end - start)) >>> 0;

    if (end > start && !direction.dead) {
      if (cut) {
        this.#kill(direction, 'snaplen-cut');
      } else {
        if (direction.nextSeq < 0) direction.nextSeq = dataSeq;
        this.#accept(direction, dataSeq, bytes, start, end, ++this.#serial, l2Bytes, timestampMs);
      }
    }

    if (direction.finSeq >= 0 && (direction.dead || direction.nextSeq === direction.finSeq)) this.#close(key);
  }

  /** Closes directions idle for longer than the timeout at capture time `nowMs`. */
  expire(nowMs: number): void {
    for (const [key, direction] of this.#directions) {
      if (nowMs - direction.lastSeenMs > TCP_IDLE_TIMEOUT_MS) this.#close(key);
    }
  }

  /** Closes every direction at the end of the input. */
  finish(): void {
    for (const key of [...this.#directions.keys()]) this.#close(key);
  }

  #accept(direction: Direction, seq: number, bytes: Uint8Array, start: number, end: number, serial: number, l2Bytes: number, timestampMs: number): void {
    let from = start;
    const delta = (seq - direction.nextSeq) | 0;
    if (delta < 0) {
      if (-delta >= end - start) return;
      from = start - delta;
    } else if (delta > 0) {
      this.#hold(direction, seq, bytes.slice(start, end), serial, l2Bytes, timestampMs);
      return;
    }

    this.#consume(direction, bytes, from, end, serial, l2Bytes, timestampMs);
    direction.nextSeq = (direction.nextSeq + (end - from)) >>> 0;
    this.#drain(direction);
  }

  #hold(direction: Direction, seq: number, data: Uint8Array, serial: number, l2Bytes: number, timestampMs: number): void {
    if (direction.outOfOrder.length >= MAX_OUT_OF_ORDER_SEGMENTS || direction.outOfOrderBytes + data.length > MAX_OUT_OF_ORDER_BYTES) {
      this.#kill(direction, 'tcp-gap');
      return;
    }
    const list = direction.outOfOrder;
    let index = list.length;
    while (index > 0 && ((list[index - 1]!.seq - seq) | 0) > 0) index--;
    list.splice(index, 0, { seq, data, serial, l2Bytes, timestampMs });
    direction.outOfOrderBytes += data.length;
  }

  /** Feeds held segments that the stream has now reached. */
  #drain(direction: Direction): void {
    const list = direction.outOfOrder;
    while (list.length > 0 && !direction.dead) {
      const first = list[0]!;
      const delta = (first.seq - direction.nextSeq) | 0;
      if (delta > 0) return;
      list.shift();
      direction.outOfOrderBytes -= first.data.length;
      if (-delta >= first.data.length) continue;
      this.#consume(direction, first.data, -delta, first.data.length, first.serial, first.l2Bytes, first.timestampMs);
      direction.nextSeq = (direction.nextSeq + first.data.length + delta) >>> 0;
    }
  }

  /** Cuts in-order stream bytes into length-prefixed messages. */
  #consume(direction: Direction, bytes: Uint8Array, start: number, end: number, serial: number, l2Bytes: number, timestampMs: number): void {
    let position = start;
    while (position < end && !direction.dead) {
      this.#countPacket(direction, serial, l2Bytes);

      if (direction.body !== null) {
        const body = direction.body;
        const take = Math.min(body.length - direction.bodyFilled, end - position);
        body.set(bytes.subarray(position, position + take), direction.bodyFilled);
        direction.bodyFilled += take;
        position += take;
        if (direction.bodyFilled === body.length) this.#emit(direction, body, 0, body.length, timestampMs);
        continue;
      }

      if (direction.prefixBytes === 0 && end - position >= 2) {
        const length = (bytes[position]! << 8) | bytes[position + 1]!;
        position += 2;
        if (length >= DNS_HEADER_BYTES && end - position >= length) {
          this.#emit(direction, bytes, position, length, timestampMs);
          position += length;
          continue;
        }
        if (!this.#startBody(direction, length)) return;
        continue;
      }

      direction.prefixValue = (direction.prefixValue << 8) | bytes[position]!;
      direction.prefixBytes++;
      position++;
      if (direction.prefixBytes === 2) {
        const length = direction.prefixValue;
        direction.prefixBytes = 0;
        direction.prefixValue = 0;
        if (!this.#startBody(direction, length)) return;
      }
    }
  }

  #startBody(direction: Direction, length: number): boolean {
    if (length < DNS_HEADER_BYTES) {
      this.#kill(direction, 'bad-tcp-length');
      return false;
    }
    direction.body = Buffer.allocUnsafe(length);
    direction.bodyFilled = 0;
    return true;
  }

  #countPacket(direction: Direction, serial: number, l2Bytes: number): void {
    if (direction.lastSerial === serial) return;
    direction.lastSerial = serial;
    direction.messagePackets++;
    direction.messageL2Bytes += l2Bytes;
  }

  #emit(direction: Direction, bytes: Uint8Array, start: number, length: number, timestampMs: number): void {
    const packets = direction.messagePackets;
    const l2Bytes = direction.messageL2Bytes;
    direction.body = null;
    direction.bodyFilled = 0;
    direction.messagePackets = 0;
    direction.messageL2Bytes = 0;
    direction.lastSerial = -1;
    this.#onMessage(bytes, start, length, direction.endpoints, packets, l2Bytes, timestampMs);
  }

  #kill(direction: Direction, fault: FaultKind): void {
    direction.dead = true;
    direction.body = null;
    direction.prefixBytes = 0;
    direction.outOfOrder = [];
    direction.outOfOrderBytes = 0;
    this.#reportFault(fault);
  }

  #close(key: string): void {
    const direction = this.#directions.get(key);
    if (direction === undefined) return;
    this.#directions.delete(key);
    if (direction.dead) return;
    if (direction.outOfOrder.length > 0) this.#reportFault('tcp-gap');
    else if (direction.body !== null || direction.prefixBytes > 0) this.#reportFault('tcp-truncated-message');
  }

  #closeOldest(): void {
    const oldest = this.#directions.keys().next();
    if (!oldest.done) this.#close(oldest.value);
  }
}

function newDirection(endpoints: StreamEndpoints): Direction {
  return {
    endpoints,
    nextSeq: -1,
    finSeq: -1,
    lastSeenMs: 0,
    dead: false,
    prefixBytes: 0,
    prefixValue: 0,
    body: null,
    bodyFilled: 0,
    messagePackets: 0,
    messageL2Bytes: 0,
    lastSerial: -1,
    outOfOrder: [],
    outOfOrderBytes: 0,
  };
}
