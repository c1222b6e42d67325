import { readFileSync } from 'node:fs';
import { cliError } from './errors.js';

/** One Remote.HTTP target, as in the configuration file or `--remote name=url`. */
export interface RemoteTargetConfig {
  url: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** The configuration file: every key is optional, and command-line options win over it. */
export interface TriggerboxConfig {
  triggers?: string[];
  remotes?: Record<string, RemoteTargetConfig>;
  sessionCapacity?: number;
  memoryLimitMb?: number;
  triggerTimeoutMs?: number;
  pairingTimeoutMs?: number;
}

type Validator = (value: unknown, path: string) => void;

/** `path` is the file name, then a colon and the key path when the fault is inside the object. */
function fail(path: string, message: string): never {
  throw cliError('TB_ERR_CLI_CONFIG_INVALID', `Invalid configuration in ${path}: ${message}.`);
}

function keyPath(path: string, key: string): string {
  return path.includes(': ') ? `${path}.${key}` : `${path}: ${key}`;
}

const positiveInteger: Validator = (value, path) => {
  if (!Number.isInteger(value) || (value as number) <= 0) fail(path, `expected a positive integer, got ${JSON.stringify(value)}`);
};

const stringList: Validator = (value, path) => {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    fail(path, `expected a list of paths, got ${JSON.stringify(value)}`);
  }
};

function checkKeys(object: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) fail(keyPath(path, key), `unknown key; valid keys are ${allowed.join(', ')}`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const remoteTarget: Validator = (value, path) => {
  if (!isPlainObject(value)) fail(path, `expected an object with a "url", got ${JSON.stringify(value)}`);
  checkKeys(value, ['url', 'headers', 'timeoutMs'], path);
  parseTargetUrl(value.url, keyPath(path, 'url'));
  if (value.headers !== undefined) {
    if (!isPlainObject(value.headers) || Object.values(value.headers).some((header) => typeof header !== 'string')) {
      fail(keyPath(path, 'headers'), 'expected an object of header names to string values');
    }
  }
  if (value.timeoutMs !== undefined) positiveInteger(value.timeoutMs, keyPath(path, 'timeoutMs'));
};

const TOP_LEVEL: Record<keyof TriggerboxConfig, Validator> = {
  triggers: stringList,
  remotes: (value, path) => {
    if (!isPlainObject(value)) fail(path, 'expected an object of target names to targets');
    for (const [name, target] of Object.entries(value)) remoteTarget(target, keyPath(path, name));
  },
  sessionCapacity: positiveInteger,
  memoryLimitMb: positiveInteger,
  triggerTimeoutMs: positiveInteger,
  pairingTimeoutMs: positiveInteger,
};

function parseTargetUrl(value: unknown, path: string): void {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    fail(path, `expected an http:// or https:// URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail(path, `expected an http:// or https:// URL, got ${JSON.stringify(value)}`);
  }
  if (url.hostname === '') fail(path, `the URL ${JSON.stringify(value)} has no host; write it as http://HOST:PORT`);
}

/** Validates a parsed configuration object; unknown keys are rejected with the valid ones listed. */
export function validateConfig(raw: unknown, source: string): TriggerboxConfig {
  if (!isPlainObject(raw)) fail(source, 'expected a JSON object');
  checkKeys(raw, Object.keys(TOP_LEVEL), source);
  for (const [key, validate] of Object.entries(TOP_LEVEL)) {
    if (raw[key] !== undefined) validate(raw[key], keyPath(source, key));
  }
  return raw as TriggerboxConfig;
}

/** Reads and validates a JSON configuration file. */
export function loadConfig(path: string): TriggerboxConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw cliError('TB_ERR_CLI_CONFIG_NOT_FOUND', `Cannot read the configuration file ${path}: ${(error as Error).message}.`, error);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw cliError('TB_ERR_CLI_CONFIG_INVALID', `The configuration file ${path} is not valid JSON: ${(error as Error).message}.`, error);
  }
  return validateConfig(raw, path);
}

/** Parses one `--remote name=url` option. */
export function parseRemoteOption(text: string): [string, RemoteTargetConfig] {
  const separator = text.indexOf('=');
  const name = separator > 0 ? text.slice(0, separator) : '';
  const url = separator > 0 ? text.slice(separator + 1) : '';
  if (!name || !url) {
    throw cliError('TB_ERR_CLI_INVALID_OPTION', `Invalid --remote ${JSON.stringify(text)}: expected NAME=URL, for example dnsrep=http://127.0.0.1:8080.`);
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname === '') {
    throw cliError('TB_ERR_CLI_INVALID_OPTION', `Invalid --remote ${JSON.stringify(text)}: the URL must be http://HOST:PORT or https://HOST:PORT, for example dnsrep=http://127.0.0.1:8080.`);
  }
  return [name, { url }];
}

/** Parses `--speed`: `max` or a positive factor of the recorded pace. */
export function parseSpeed(text: string): number {
  if (text === 'max') return Infinity;
  const factor = Number(text);
  if (!Number.isFinite(factor) || factor <= 0) {
    throw cliError('TB_ERR_CLI_INVALID_OPTION', `Invalid --speed ${JSON.stringify(text)}: use "max" or a positive number such as 1 (recorded pace) or 10.`);
  }
  return factor;
}

/** Parses a TCP or UDP port option; 0 picks a free port. */
export function parsePort(text: string, option: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw cliError('TB_ERR_CLI_INVALID_OPTION', `Invalid ${option} ${JSON.stringify(text)}: expected a port number from 0 to 65535 (0 picks a free port).`);
  }
  return port;
}
