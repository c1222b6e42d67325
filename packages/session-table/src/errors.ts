import type { ErrorCodeTable } from '@triggerbox/core';

/** Error codes raised by the session table, listed in docs/errors.md. */
export const SESSION_ERROR_CODES = {
  TB_ERR_SESSION_INVALID_KEY: {
    kind: 'user',
    fix: 'A session key must be a non-empty string; convert numbers and other values with String() before using them as keys.',
  },
  TB_ERR_SESSION_INVALID_OPTION: {
    kind: 'user',
    fix: 'Session options accept only expire (seconds, a finite number >= 0, or null for never), notify (boolean) and priority (0, 1 or 2); fix or remove the named option.',
  },
  TB_ERR_SESSION_INVALID_VALUE: {
    kind: 'user',
    fix: 'Session values must be structured-clone safe (no functions, symbols or undefined); store plain data such as strings, numbers, arrays and objects.',
  },
  TB_ERR_SESSION_INVALID_COUNT: {
    kind: 'user',
    fix: 'Session.increment takes a finite number as its count; pass a number or leave the count out to add 1.',
  },
  TB_ERR_SESSION_NOT_A_NUMBER: {
    kind: 'user',
    fix: 'Session.increment works only on keys whose value is a number; values written through memcached are strings, so parse them and write the number back with Session.replace.',
  },
  TB_ERR_SESSION_INVALID_ITEM: {
    kind: 'system',
    fix: 'The memcached front end passed an invalid item (key, data, flags or expiry); this is a bug in the caller, please report it.',
  },
  TB_ERR_SESSION_INVALID_CAPACITY: {
    kind: 'user',
    fix: 'The session table capacity must be a positive integer number of entries.',
  },
  TB_ERR_SESSION_INVALID_SNAPSHOT: {
    kind: 'user',
    fix: 'The session state file is not a snapshot written by this version of Triggerbox; delete it or point --state-file at another path.',
  },
} as const satisfies ErrorCodeTable;

export type SessionErrorCode = keyof typeof SESSION_ERROR_CODES;
