/** `user` faults come from input the user can fix; `system` faults from the machine or a bug. */
export type ErrorKind = 'user' | 'system';

export interface ErrorCodeInfo {
  kind: ErrorKind;
  /** One sentence for docs/errors.md: what went wrong and how to fix it. */
  fix: string;
}

/** Error codes of one package, keyed `TB_ERR_<AREA>_<WHAT>`. */
export type ErrorCodeTable = Record<string, ErrorCodeInfo>;

export const CORE_ERROR_CODES = {
  TB_ERR_CORE_INVALID_ARGUMENT: {
    kind: 'user',
    fix: 'A function received an argument of the wrong type or range; the message names the argument and the accepted values.',
  },
} as const satisfies ErrorCodeTable;

/**
 * The one error class of Triggerbox. Callers match on `code`, which stays stable across
 * releases; `message` is for people and says what to do.
 */
export class TriggerboxError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;

  constructor(code: string, kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TriggerboxError';
    this.code = code;
    this.kind = kind;
  }
}

/** Builds a `TriggerboxError` whose kind is looked up in `table`. */
export function createError<T extends ErrorCodeTable>(
  table: T,
  code: keyof T & string,
  message: string,
  options?: { cause?: unknown },
): TriggerboxError {
  const info = table[code];
  return new TriggerboxError(code, info ? info.kind : 'system', message, options);
}
