import { remoteError } from './errors.js';

/** Limits and defaults of the Remote.HTTP client. */
export const REMOTE_LIMITS = {
  /** Requests waiting or in flight, over all targets, before `request` returns false. */
  defaultMaxQueued: 1024,
  /** Time a request may take from sending to the end of the response body. */
  defaultTimeoutMs: 5_000,
  /** Requests in flight at once per target; the rest wait in the queue in order. */
  maxInFlightPerTarget: 8,
  /** A longer response body fails the request, because the whole body is handed to the trigger. */
  maxResponseBodyBytes: 1024 * 1024,
  /** Repeated log lines about one target or name are shown once per this much clock time. */
  logIntervalMs: 30_000,
} as const;

/** One configured Remote.HTTP target. */
export interface RemoteTarget {
  /** `http://host:port` or `https://host:port`, optionally followed by a base path. */
  url: string;
  /** Headers sent with every request to this target, such as an API key. */
  headers?: Record<string, string>;
  /** Time allowed per request, from sending to the end of the response body. */
  timeoutMs?: number;
}

/** Options of one request, as `Remote.HTTP(name).post(options)` takes them. */
export interface RemoteRequestOptions {
  /** Path and query string, appended to the target's base path. */
  path?: string;
  headers?: Record<string, string>;
  payload?: string | Uint8Array;
  /** Whether the response is returned by `settle()` so that REMOTE_RESPONSE can fire. */
  enableResponseEvent?: boolean;
  /** Plain data handed back with the response. */
  context?: unknown;
}

export interface ParsedTarget {
  name: string;
  /** Scheme, host and port, as undici's Pool takes it. */
  origin: string;
  /** Base path without a trailing slash; empty when the URL has none. */
  basePath: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

export interface ParsedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  payload: string | Buffer | undefined;
  enableResponseEvent: boolean;
  context: unknown;
}

export const REQUEST_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Headers a trigger may not set, lowercased, with the reason given in the error. */
const REJECTED_REQUEST_HEADERS: Record<string, string> = {
  connection: 'connection handling belongs to the HTTP client',
  authorization: 'credentials belong in the target configuration',
  'proxy-connection': 'connection handling belongs to the HTTP client',
  'content-length': 'the length is computed from the payload',
  'x-forwarded-for': "ExtraHop's Remote.HTTP rejects it as well",
  'transfer-encoding': 'the encoding is chosen by the HTTP client',
  'keep-alive': 'connection handling belongs to the HTTP client',
  upgrade: 'protocol upgrades are not supported',
  expect: 'Expect: 100-continue is not supported',
};

/** Headers a target configuration may not set; unlike triggers, targets may carry Authorization. */
const REJECTED_TARGET_HEADERS = new Set([
  'connection',
  'proxy-connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'expect',
]);

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const PATH_CHARACTERS = /^[\x21-\x7e]*$/;
const OPTION_NAMES = ['path', 'headers', 'payload', 'enableResponseEvent', 'context'];

/** Short description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 60)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return `a ${value.constructor.name}`;
  return `a value of type ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** Validates and normalizes one target of the configuration. */
export function parseTarget(name: string, target: RemoteTarget): ParsedTarget {
  const where = `Remote.HTTP target "${name}"`;
  if (name.length === 0) {
    throw remoteError('TB_ERR_REMOTE_INVALID_TARGET', 'A Remote.HTTP target has an empty name; give every target a non-empty name.');
  }
  if (!isPlainObject(target) || typeof target.url !== 'string') {
    throw remoteError('TB_ERR_REMOTE_INVALID_TARGET', `${where}: expected an object with a url string, got ${describeValue(target)}.`);
  }

  let url: URL;
  try {
    url = new URL(target.url);
  } catch (error) {
    throw remoteError('TB_ERR_REMOTE_INVALID_TARGET', `${where}: invalid url ${describeValue(target.url)}; expected http(s)://host:port/optional/base.`, error);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw remoteError('TB_ERR_REMOTE_INVALID_TARGET', `${where}: url ${describeValue(target.url)} must start with http:// or https://.`);
  }
  if (url.username !== '' || url.password !== '') {
    throw remoteError('TB_ERR_REMOTE_INVALID_TARGET', `${where}: url ${describeValue(target.url)} contains credentials; put them in an Authorization header of the target instead.`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw remoteError('TB_ERR_REMOTE_INVALID_TARGET', `${where}: url ${describeValue(target.url)} has a query or fragment; triggers add the query string in their path.`);
  }

  const timeoutMs = target.timeoutMs ?? REMOTE_LIMITS.defaultTimeoutMs;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw remoteError('TB_ERR_REMOTE_INVALID_TARGET', `${where}: timeoutMs must be a positive integer of milliseconds, got ${describeValue(target.timeoutMs)}.`);
  }

  const headers = parseHeaders(`${where} headers`, target.headers ?? {}, (lower) =>
    REJECTED_TARGET_HEADERS.has(lower) ? 'it is set by the HTTP client' : null,
  );
  return { name, origin: url.origin, basePath: url.pathname.replace(/\/+$/, ''), headers, timeoutMs };
}

/** Validates `headers` and returns a copy; `rejectReason` returns why a lowercased name is not allowed. */
function parseHeaders(
  where: string,
  headers: unknown,
  rejectReason: (lowerName: string) => string | null,
): Record<string, string> {
  if (!isPlainObject(headers)) {
    throw remoteError('TB_ERR_REMOTE_INVALID_OPTION', `${where}: headers must be an object of header names to strings, got ${describeValue(headers)}.`);
  }

  const parsed: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const reason = rejectReason(name.toLowerCase());
    if (reason !== null) {
      throw remoteError('TB_ERR_REMOTE_HEADER_REJECTED', `${where}: header "${name}" is not allowed because ${reason}; remove it.`);
    }
    if (!HEADER_NAME.test(name)) {
      throw remoteError('TB_ERR_REMOTE_INVALID_HEADER', `${where}: header name ${describeValue(name)} is not a valid HTTP token.`);
    }
    if (typeof value !== 'string') {
      throw remoteError('TB_ERR_REMOTE_INVALID_HEADER', `${where}: header "${name}" must be a string, got ${describeValue(value)}; convert it with String().`);
    }
    if (/[\r\n\0]/.test(value)) {
      throw remoteError('TB_ERR_REMOTE_INVALID_HEADER', `${where}: header "${name}" contains a line break or NUL character; remove it.`);
    }
    parsed[name] = value;
  }
  return parsed;
}

/** Validates the method name and returns it uppercased. */
export function parseMethod(target: string, method: unknown): string {
  const upper = typeof method === 'string' ? method.toUpperCase() : '';
  if (!(REQUEST_METHODS as readonly string[]).includes(upper)) {
    throw remoteError('TB_ERR_REMOTE_INVALID_METHOD', `Remote.HTTP(${JSON.stringify(target)}).request: unsupported method ${describeValue(method)}; use one of ${REQUEST_METHODS.join(', ')}.`);
  }
  return upper;
}

/** Validates request options and copies everything the caller could change after queuing. */
export function parseRequest(target: string, method: unknown, options: unknown): ParsedRequest {
  const parsedMethod = parseMethod(target, method);
  const where = `Remote.HTTP(${JSON.stringify(target)}).${parsedMethod.toLowerCase()}`;
  const record = options ?? {};
  if (!isPlainObject(record)) {
    throw remoteError('TB_ERR_REMOTE_INVALID_OPTION', `${where}: options must be an object such as {path: "/api", payload: "text"}, got ${describeValue(options)}.`);
  }
  for (const name of Object.keys(record)) {
    if (!OPTION_NAMES.includes(name)) {
      throw remoteError('TB_ERR_REMOTE_INVALID_OPTION', `${where}: unknown option "${name}"; the valid options are ${OPTION_NAMES.join(', ')}.`);
    }
  }

  return {
    method: parsedMethod,
    path: parsePath(where, record.path),
    headers: parseHeaders(where, record.headers ?? {}, (lower) => REJECTED_REQUEST_HEADERS[lower] ?? null),
    payload: parsePayload(where, record.payload),
    enableResponseEvent: parseFlag(where, record.enableResponseEvent),
    context: copyContext(where, record.context),
  };
}

function parsePath(where: string, path: unknown): string {
  if (path === undefined) return '/';
  if (typeof path !== 'string') {
    throw remoteError('TB_ERR_REMOTE_INVALID_OPTION', `${where}: option path must be a string such as "/api?q=1", got ${describeValue(path)}.`);
  }
  if (!path.startsWith('/')) {
    throw remoteError('TB_ERR_REMOTE_INVALID_OPTION', `${where}: option path ${describeValue(path)} must start with "/".`);
  }
  if (!PATH_CHARACTERS.test(path)) {
    throw remoteError('TB_ERR_REMOTE_INVALID_OPTION', `${where}: option path ${describeValue(path)} contains spaces, control or non-ASCII characters; percent-encode them with encodeURIComponent.`);
  }
  return path;
}

function parsePayload(where: string, payload: unknown): string | Buffer | undefined {
  if (payload === undefined || payload === null) return undefined;
  if (typeof payload === 'string') return payload;
  if (payload instanceof Uint8Array) return Buffer.from(payload);
  throw remoteError('TB_ERR_REMOTE_INVALID_OPTION', `${where}: option payload must be a string or a Uint8Array, got ${describeValue(payload)}; use JSON.stringify for objects.`);
}

function parseFlag(where: string, flag: unknown): boolean {
  if (flag === undefined) return false;
  if (typeof flag === 'boolean') return flag;
  throw remoteError('TB_ERR_REMOTE_INVALID_OPTION', `${where}: option enableResponseEvent must be true or false, got ${describeValue(flag)}.`);
}

function copyContext(where: string, context: unknown): unknown {
  if (context === undefined || context === null || typeof context !== 'object') {
    if (typeof context === 'function' || typeof context === 'symbol') {
      throw remoteError('TB_ERR_REMOTE_INVALID_OPTION', `${where}: option context must be plain data, got ${describeValue(context)}.`);
    }
    return context;
  }
  try {
    return structuredClone(context);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw remoteError('TB_ERR_REMOTE_INVALID_OPTION', `${where}: option context cannot be copied (${reason}); pass plain data without functions.`, error);
  }
}
