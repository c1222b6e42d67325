import { createError, type TriggerboxError } from '@triggerbox/core';
import { copyValue } from './copy-value.js';
import { SESSION_ERROR_CODES, type SessionErrorCode } from './errors.js';
import type { ItemExpiry, Priority, SessionOptions } from './types.js';

const OPTION_NAMES = ['expire', 'notify', 'priority'];

export function sessionError(code: SessionErrorCode, message: string, cause?: unknown): TriggerboxError {
  return createError(SESSION_ERROR_CODES, code, message, cause === undefined ? undefined : { cause });
}

/** Short description of a value for error messages: its type and, when short, its text. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') {
    const excerpt = value.length > 40 ? `${value.slice(0, 40)}...` : value;
    return `string ${JSON.stringify(excerpt)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${typeof value} ${String(value)}`;
  }
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (Array.isArray(value)) return 'an array';
  return 'an object';
}

/** Throws TB_ERR_SESSION_INVALID_KEY unless `key` is a non-empty string. */
export function validateKey(method: string, key: unknown): asserts key is string {
  if (typeof key === 'string' && key.length > 0) return;
  throw sessionError(
    'TB_ERR_SESSION_INVALID_KEY',
    `Session.${method}: the key must be a non-empty string, got ${describeValue(key)}.`,
  );
}

/** Options after validation; `expire` is undefined when absent, null for "never". */
export interface ParsedSessionOptions {
  expire: number | null | undefined;
  notify: boolean | undefined;
  priority: Priority | undefined;
}

const NO_OPTIONS: ParsedSessionOptions = Object.freeze({
  expire: undefined,
  notify: undefined,
  priority: undefined,
});

/**
 * Validates the options of add/modify/replace. Unknown option names are rejected because a
 * misspelt `expire` would otherwise leave a key in the table for ever.
 */
export function parseSessionOptions(method: string, options: unknown): ParsedSessionOptions {
  if (options === undefined || options === null) return NO_OPTIONS;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw sessionError(
      'TB_ERR_SESSION_INVALID_OPTION',
      `Session.${method}: options must be an object such as {expire: 60}, got ${describeValue(options)}.`,
    );
  }

  const record = options as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    if (!OPTION_NAMES.includes(name)) {
      throw sessionError(
        'TB_ERR_SESSION_INVALID_OPTION',
        `Session.${method}: unknown option "${name}"; the valid options are expire, notify and priority.`,
      );
    }
  }

  const { expire, notify, priority } = record;
  if (expire !== undefined && expire !== null) {
    if (typeof expire !== 'number' || !Number.isFinite(expire) || expire < 0) {
      throw sessionError(
        'TB_ERR_SESSION_INVALID_OPTION',
        `Session.${method}: option expire must be a finite number of seconds >= 0 (or null for never), got ${describeValue(expire)}.`,
      );
    }
  }
  if (notify !== undefined && typeof notify !== 'boolean') {
    throw sessionError(
      'TB_ERR_SESSION_INVALID_OPTION',
      `Session.${method}: option notify must be true or false, got ${describeValue(notify)}.`,
    );
  }
  if (priority !== undefined && priority !== 0 && priority !== 1 && priority !== 2) {
    throw sessionError(
      'TB_ERR_SESSION_INVALID_OPTION',
      `Session.${method}: option priority must be Session.PRIORITY_LOW (0), PRIORITY_NORMAL (1) or PRIORITY_HIGH (2), got ${describeValue(priority)}.`,
    );
  }

  return {
    expire: expire as number | null | undefined,
    notify: notify as boolean | undefined,
    priority: priority as Priority | undefined,
  };
}

/**
 * Returns a copy of `value` that the caller cannot change through references it keeps.
 * Primitives are returned as they are, and objects are deep-copied by `copyValue`.
 */
export function cloneValue(method: string, value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return value;
    case 'undefined':
      throw sessionError(
        'TB_ERR_SESSION_INVALID_VALUE',
        `Session.${method}: the value is undefined; store null or a real value, or call Session.remove to delete the key.`,
      );
    case 'function':
    case 'symbol':
      throw sessionError(
        'TB_ERR_SESSION_INVALID_VALUE',
        `Session.${method}: cannot store ${describeValue(value)}; store plain data (strings, numbers, booleans, arrays, objects).`,
      );
    default:
      break;
  }
  if (value === null) return null;

  try {
    return copyValue(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw sessionError(
      'TB_ERR_SESSION_INVALID_VALUE',
      `Session.${method}: cannot copy the value (${reason}); store plain data without functions, symbols or class instances with private state.`,
      error,
    );
  }
}

function isItemExpiry(expiry: unknown): expiry is ItemExpiry {
  if (typeof expiry !== 'object' || expiry === null) return false;
  const { kind, atMs } = expiry as { kind?: unknown; atMs?: unknown };
  if (kind === 'never' || kind === 'expired') return true;
  return kind === 'at' && typeof atMs === 'number' && Number.isFinite(atMs);
}

/** Throws TB_ERR_SESSION_INVALID_ITEM when the memcached front end passes a malformed item. */
export function validateItem(key: unknown, data: Buffer | null, flags: number, expiry: ItemExpiry): void {
  let problem: string | null = null;
  if (typeof key !== 'string' || key.length === 0) {
    problem = `key ${describeValue(key)} is not a non-empty string`;
  } else if (data !== null && !Buffer.isBuffer(data)) {
    problem = `data for key "${key}" is ${describeValue(data)}, not a Buffer`;
  } else if (!Number.isInteger(flags) || flags < 0 || flags > 0xffff_ffff) {
    problem = `flags ${describeValue(flags)} are not an unsigned 32-bit integer`;
  } else if (!isItemExpiry(expiry)) {
    problem = `expiry ${JSON.stringify(expiry)} is not {kind: 'never' | 'expired'} or {kind: 'at', atMs}`;
  }
  if (problem === null) return;
  throw sessionError('TB_ERR_SESSION_INVALID_ITEM', `SessionTable item operation: ${problem}.`);
}
