import type { Clock } from '@triggerbox/core';

import type { InputBuffer } from './input-buffer.js';
import type { ItemOperations } from './item-operations.js';
import type { MemcachedLimits } from './limits.js';
import type { StatLine, ServerCounters } from './stats.js';

/** Server state and services a protocol session uses. */
export interface ProtocolContext {
  clock: Clock;
  ops: ItemOperations;
  counters: ServerCounters;
  limits: MemcachedLimits;
  /** Reported by `version` and the binary VERSION command. */
  version: string;
  /** Lines of `stats <group>`, where '' is plain `stats`, or null for a group this server does not have. */
  statsGroup(group: string): StatLine[] | null;
  resetStats(): void;
}

/**
 * Why `process` returned: it needs more input, the reply queue is over `maxOutputBytes`
 * (call again once the client has read), or the connection must close after the replies
 * collected so far are sent.
 */
export type SessionStatus = 'need-input' | 'output-full' | 'close';

/** One connection's (or one datagram's) protocol state. */
export interface ProtocolSession {
  /** Parses and runs every complete command in `input`, writing replies to the session's writer. */
  process(input: InputBuffer): SessionStatus;
  /** True when no command is partly received, so a draining connection may close. */
  readonly idle: boolean;
  /** Why the last `process` returned 'close', for the log. */
  readonly closeReason: string;
}
