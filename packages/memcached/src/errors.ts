import { createError, type ErrorCodeTable, type TriggerboxError } from '@triggerbox/core';

/** Error codes raised by the memcached server package, listed in docs/errors.md. */
export const MEMCACHED_ERROR_CODES = {
  TB_ERR_MEMCACHED_INVALID_OPTION: {
    kind: 'user',
    fix: 'An option of startMemcachedServer (host, port, udpPort, version or a limit) has the wrong type or range; the message names the option and the accepted values.',
  },
  TB_ERR_MEMCACHED_LISTEN_FAILED: {
    kind: 'user',
    fix: 'The server could not listen on the requested address and port, usually because another process uses the port; stop that process or choose another port (0 picks a free one).',
  },
  TB_ERR_MEMCACHED_STATE_FILE_INVALID: {
    kind: 'user',
    fix: 'The state file is not a session-table snapshot in JSON; delete it or point --state-file at another path.',
  },
  TB_ERR_MEMCACHED_STATE_FILE_IO: {
    kind: 'system',
    fix: 'Reading or writing the state file failed; check that its directory exists, is writable and has free space.',
  },
} as const satisfies ErrorCodeTable;

export type MemcachedErrorCode = keyof typeof MEMCACHED_ERROR_CODES;

export function memcachedError(code: MemcachedErrorCode, message: string, options?: { cause?: unknown }): TriggerboxError {
  return createError(MEMCACHED_ERROR_CODES, code, message, options);
}
