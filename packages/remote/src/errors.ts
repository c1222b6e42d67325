import { createError, type ErrorCodeTable, type TriggerboxError } from '@triggerbox/core';

/** Error codes raised by `@triggerbox/remote`, listed in docs/errors.md. */
export const REMOTE_ERROR_CODES = {
  TB_ERR_REMOTE_HEADER_REJECTED: {
    kind: 'user',
    fix: 'Remove the named header from the request. Triggers may not set Connection, Authorization, Proxy-Connection, Content-Length, X-Forwarded-For or Transfer-Encoding (put credentials in the target configuration), and undici does not support Keep-Alive, Upgrade or Expect.',
  },
  TB_ERR_REMOTE_INVALID_HEADER: {
    kind: 'user',
    fix: 'Header names must be HTTP tokens and header values strings without line breaks; fix the named header.',
  },
  TB_ERR_REMOTE_INVALID_OPTION: {
    kind: 'user',
    fix: 'Request options accept path (a string starting with "/"), headers (an object of strings), payload (a string or Uint8Array), enableResponseEvent (boolean) and context (plain data), and RemoteHttp takes maxQueued as a positive integer; fix or remove the named option.',
  },
  TB_ERR_REMOTE_INVALID_METHOD: {
    kind: 'user',
    fix: 'Use one of the HTTP methods GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS.',
  },
  TB_ERR_REMOTE_INVALID_TARGET: {
    kind: 'user',
    fix: 'A Remote.HTTP target needs a url of the form http(s)://host:port with an optional base path, string headers and a positive integer timeoutMs; fix the named target in the configuration.',
  },
  TB_ERR_REMOTE_CLOSED: {
    kind: 'system',
    fix: 'A request was made after RemoteHttp.close(); close the trigger engine before closing its remote targets.',
  },
} as const satisfies ErrorCodeTable;

export type RemoteErrorCode = keyof typeof REMOTE_ERROR_CODES;

export function remoteError(code: RemoteErrorCode, message: string, cause?: unknown): TriggerboxError {
  return createError(REMOTE_ERROR_CODES, code, message, cause === undefined ? undefined : { cause });
}
