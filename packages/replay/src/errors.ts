import { createError, type ErrorCodeTable, type TriggerboxError } from '@triggerbox/core';

/** Error codes of the replay package. Broken packets are faults in the summary, never errors. */
export const REPLAY_ERROR_CODES = {
  TB_ERR_REPLAY_NO_INPUT: {
    kind: 'user',
    fix: 'No capture file was given; pass at least one path, or "-" for standard input.',
  },
  TB_ERR_REPLAY_FILE_UNREADABLE: {
    kind: 'user',
    fix: 'A capture file could not be opened or read; check the path and its permissions.',
  },
  TB_ERR_REPLAY_UNKNOWN_FORMAT: {
    kind: 'user',
    fix: 'The input is not pcap, pcapng, gzip or JSON lines; convert it with editcap or tshark, or check that the right file was given.',
  },
  TB_ERR_REPLAY_STDIN_TWICE: {
    kind: 'user',
    fix: 'Standard input ("-") can be read once per replay; give it once.',
  },
  TB_ERR_REPLAY_INVALID_OPTION: {
    kind: 'user',
    fix: 'A replay option has the wrong type or range; the message names the option and the accepted values.',
  },
  TB_ERR_REPLAY_SESSION_REUSED: {
    kind: 'user',
    fix: 'A replay session can be iterated once; call replayCaptures again to replay the files again.',
  },
  TB_ERR_REPLAY_INVALID_PACKET_SPEC: {
    kind: 'user',
    fix: 'A capture writer or packet builder received an invalid value (address, port, name, length); the message names it.',
  },
} as const satisfies ErrorCodeTable;

export type ReplayErrorCode = keyof typeof REPLAY_ERROR_CODES;

export function replayError(code: ReplayErrorCode, message: string, cause?: unknown): TriggerboxError {
  return createError(REPLAY_ERROR_CODES, code, message, cause === undefined ? undefined : { cause });
}
