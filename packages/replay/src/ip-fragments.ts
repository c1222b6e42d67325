import type { FaultKind } from './faults.js';

/** How long fragments wait for the rest of their datagram, in capture time (Linux ipfrag_time default). */
export const FRAGMENT_TIMEOUT_MS = 30_000;
/** Datagrams reassembled at once; the oldest is dropped beyond this. */
export const MAX_PENDING_DATAGRAMS = 8192;
const MAX_DATAGRAM_BYTES = 65_535;

interface Fragment {
  offset: number;
  data: Uint8Array;
}

/** A datagram being reassembled, and once complete its payload and what carried it. */
export interface Datagram {
  /** Upper-layer protocol (17 UDP, 6 TCP). */
  protocol: number;
  ipVersion: 4 | 6;
  /** Source address bytes followed by destination address bytes. */
  addresses: Uint8Array;
  payload: Uint8Array;
  packets: number;
  l2Bytes: number;
  firstTimestampMs: number;
  parts: Fragment[];
  totalLength: number;
  /** Set after a fault: later fragments are absorbed without another count. */
  dropped: boolean;
}

/**
 * Reassembles IPv4 and IPv6 fragments (RFC 791, RFC 8200 section 4.5). Fragments may come in
 * any order and repeat; overlapping fragments must carry the same bytes, or the datagram is
 * dropped as `fragment-overlap`. Reassembly is bounded in time and in number of datagrams.
 */
export class FragmentTable {
  readonly #pending = new Map<string, Datagram>();
  readonly #reportFault: (fault: FaultKind) => void;
  readonly #timeoutMs: number;

  constructor(reportFault: (fault: FaultKind) => void, timeoutMs = FRAGMENT_TIMEOUT_MS) {
    this.#reportFault = reportFault;
    this.#timeoutMs = timeoutMs;
  }

  get size(): number {
    return this.#pending.size;
  }

  /**
   * Adds one fragment whose payload is `bytes[start, end)` at byte `offset` of the datagram.
   * Returns the datagram when this fragment completes it, otherwise null. `lost` marks a
   * fragment the capture cut short: its datagram is dropped without a further fault.
   */
  add(
    key: string,
    bytes: Uint8Array,
    start: number,
    end: number,
    offset: number,
    moreFragments: boolean,
    header: { protocol: number; ipVersion: 4 | 6; addresses: Uint8Array },
    timestampMs: number,
    l2Bytes: number,
    lost = false,
  ): Datagram | null {
    let datagram = this.#pending.get(key);
    if (datagram === undefined) {
      datagram = {
        protocol: header.protocol,
        ipVersion: header.ipVersion,
        addresses: header.addresses,
        payload: new Uint8Array(0),
        packets: 0,
        l2Bytes: 0,
        firstTimestampMs: timestampMs,
        parts: [],
        totalLength: -1,
        dropped: false,
      };
      this.#pending.set(key, datagram);
      if (this.#pending.size > MAX_PENDING_DATAGRAMS) this.#evictOldest();
    }
    if (datagram.dropped) return null;

    if (lost) {
      datagram.dropped = true;
      datagram.parts = [];
      return null;
    }
    datagram.packets++;
    datagram.l2Bytes += l2Bytes;
    if (offset === 0) datagram.protocol = header.protocol;
    const length = end - start;
    const fragmentEnd = offset + length;
    if (fragmentEnd > MAX_DATAGRAM_BYTES || (moreFragments && length % 8 !== 0)) return this.#drop(datagram, 'bad-fragment');
    if (!moreFragments) {
      if (datagram.totalLength >= 0 && datagram.totalLength !== fragmentEnd) return this.#drop(datagram, 'bad-fragment');
      datagram.totalLength = fragmentEnd;
    }
    if (datagram.totalLength >= 0 && fragmentEnd > datagram.totalLength) return this.#drop(datagram, 'bad-fragment');

    const data = bytes.slice(start, end);
    for (const part of datagram.parts) {
      if (!sameOverlap(part, offset, data)) return this.#drop(datagram, 'fragment-overlap');
      if (datagram.totalLength >= 0 && part.offset + part.data.length > datagram.totalLength) return this.#drop(datagram, 'bad-fragment');
    }
    insertSorted(datagram.parts, { offset, data });

    if (datagram.totalLength < 0 || !isComplete(datagram.parts, datagram.totalLength)) return null;
    this.#pending.delete(key);
    datagram.payload = assemble(datagram.parts, datagram.totalLength);
    datagram.parts = [];
    return datagram;
  }

  /** Drops datagrams older than the timeout at capture time `nowMs`. */
  expire(nowMs: number): void {
    for (const [key, datagram] of this.#pending) {
      if (nowMs - datagram.firstTimestampMs <= this.#timeoutMs) break;
      this.#pending.delete(key);
      if (!datagram.dropped) this.#reportFault('fragment-timeout');
    }
  }

  /** Counts every unfinished datagram at the end of the input. */
  finish(): void {
    for (const datagram of this.#pending.values()) {
      if (!datagram.dropped) this.#reportFault('fragment-timeout');
    }
    this.#pending.clear();
  }

  #evictOldest(): void {
    const oldest = this.#pending.entries().next();
    if (oldest.done) return;
    const [key, datagram] = oldest.value;
    this.#pending.delete(key);
    if (!datagram.dropped) this.#reportFault('fragment-evicted');
  }

  #drop(datagram: Datagram, fault: FaultKind): null {
    datagram.dropped = true;
    datagram.parts = [];
    this.#reportFault(fault);
    return null;
  }
}

/** True when `part` and the new fragment agree on every byte they both cover. */
function sameOverlap(part: Fragment, offset: number, data: Uint8Array): boolean {
  const from = Math.max(part.offset, offset);
  const to = Math.min(part.offset + part.data.length, offset + data.length);
  for (let i = from; i < to; i++) {
    if (part.data[i - part.offset] !== data[i - offset]) return false;
  }
  return true;
}

function insertSorted(parts: Fragment[], fragment: Fragment): void {
  let index = parts.length;
  while (index > 0 && parts[index - 1]!.offset > fragment.offset) index--;
  parts.splice(index, 0, fragment);
}

function isComplete(parts: Fragment[], totalLength: number): boolean {
  let covered = 0;
  for (const part of parts) {
    if (part.offset > covered) return false;
    covered = Math.max(covered, part.offset + part.data.length);
  }
  return covered >= totalLength;
}

function assemble(parts: Fragment[], totalLength: number): Uint8Array {
  const payload = new Uint8Array(totalLength);
  for (const part of parts) payload.set(part.data, part.offset);
  return payload;
}
