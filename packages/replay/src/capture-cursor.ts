import type { TriggerEvent } from '@triggerbox/core';
import type { FaultKind } from './faults.js';
import type { ByteInput } from './input-source.js';

/** One captured frame, a view into the reader's buffer that is valid until the next `advance`. */
export interface PacketRecord {
  bytes: Buffer;
  offset: number;
  capturedLength: number;
  /** Length of the frame on the wire (pcap orig_len). */
  originalLength: number;
  timestampMs: number;
  linkType: number;
}

/** Receives the faults a reader finds in the file structure. */
export type FaultSink = (fault: FaultKind, detail: string) => void;

/**
 * Reads the records of one input in file order. `advance` parses the next record from bytes
 * already read; when it returns false, `refill` reads more (false at the end of the input).
 * After the end, `finish` reports a record left incomplete.
 */
export abstract class RecordCursor {
  readonly kind: 'packet' | 'event';
  readonly input: ByteInput;
  /** Time of the current record, for merging inputs. */
  timestampMs = 0;
  readonly packet: PacketRecord = { bytes: Buffer.alloc(0), offset: 0, capturedLength: 0, originalLength: 0, timestampMs: 0, linkType: 0 };
  event: TriggerEvent | null = null;
  /** Set when the rest of the input cannot be parsed. */
  stopped = false;
  protected readonly reportFault: FaultSink;

  constructor(kind: 'packet' | 'event', input: ByteInput, reportFault: FaultSink) {
    this.kind = kind;
    this.input = input;
    this.reportFault = reportFault;
  }

  abstract advance(): boolean;

  async refill(): Promise<boolean> {
    if (this.stopped) return false;
    return this.input.pull();
  }

  /** Reports what the end of the input left behind: a partial record or a gzip error. */
  finish(): void {
    if (this.input.endFault !== null) {
      this.reportFault(this.input.endFault, `${this.input.name}: ${this.input.endError?.message ?? 'read failed'}`);
      return;
    }
    if (!this.stopped && this.input.available > 0) this.finishPartial();
  }

  protected finishPartial(): void {
    this.reportFault('truncated-file', `${this.input.name}: the input ends inside a record (${this.input.available} bytes left over)`);
  }

  protected stop(fault: FaultKind, detail: string): false {
    this.stopped = true;
    this.reportFault(fault, `${this.input.name}: ${detail}`);
    return false;
  }
}
