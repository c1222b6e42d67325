import { createDns } from './dns.js';
import { currentFlow } from './flow.js';
import { IPAddress } from './ip-address.js';
import { createApplicationFunction, createNetwork } from './metrics.js';
import { createRemote } from './remote.js';
import { createSession } from './session.js';
import { EXIT_SIGNAL, apiError, callHost, current, defineFixed, defineGetter, describeValue, getConfig } from './state.js';

const DNS_EVENTS = ['DNS_REQUEST', 'DNS_RESPONSE'];

/** Values a trigger stores with `cache(key, fn)`; they live as long as this isolate. */
const cachedValues = new Map<string, unknown>();

function hashFunction(algorithm: string): (input: unknown) => string {
  return (input: unknown) => {
    if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
      throw apiError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `${algorithm}: the input must be a string or a Uint8Array, got ${describeValue(input)}.`);
    }
    return callHost(algorithm, () => getConfig().host.hash(algorithm, input));
  };
}

/** Converts a debug or log argument to its output text: strings as they are, other objects as JSON. */
function messageText(message: unknown): string {
  if (typeof message === 'string') return message;
  if (typeof message === 'object' && message !== null && !(message instanceof IPAddress)) {
    try {
      return JSON.stringify(message) ?? String(message);
    } catch {
      return String(message);
    }
  }
  return String(message);
}

/** Binds every global of the trigger API onto `globalThis`. */
export function installGlobals(): void {
  const { options, host } = getConfig();
  const target = globalThis;
  const dns = createDns();

  defineFixed(target, 'Session', createSession());
  defineFixed(target, 'Network', createNetwork());
  defineFixed(target, 'Application', createApplicationFunction());
  defineFixed(target, 'Remote', createRemote());
  defineFixed(target, 'IPAddress', IPAddress);

  defineGetter(target, 'event', () => current.name);
  defineGetter(target, 'DNS', () => {
    if (!DNS_EVENTS.includes(current.name)) {
      throw apiError('TB_ERR_SANDBOX_WRONG_EVENT', `DNS: only available on DNS_REQUEST and DNS_RESPONSE events, this event is ${current.name}.`);
    }
    return dns;
  });
  defineGetter(target, 'Flow', currentFlow);

  defineFixed(target, 'getTimestamp', () => current.timestampMs);
  defineFixed(target, 'debug', (message: unknown) => {
    if (options.debug) host.output('debug', messageText(message));
  });
  defineFixed(target, 'log', (message: unknown) => host.output('log', messageText(message)));
  defineFixed(target, 'exit', () => {
    throw EXIT_SIGNAL;
  });

  for (const algorithm of ['md5', 'sha1', 'sha256', 'sha512']) defineFixed(target, algorithm, hashFunction(algorithm));
  defineFixed(target, 'uuid', () => host.uuid());
  defineFixed(target, 'System', Object.freeze({
    uuid: options.system.uuid,
    ipaddr: new IPAddress(options.system.ipaddr),
    hostname: options.system.hostname,
    version: options.system.version,
  }));
  defineFixed(target, 'cache', (key: unknown, compute: unknown) => {
    if (typeof key !== 'string') {
      throw apiError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `cache: the key must be a string, got ${describeValue(key)}.`);
    }
    if (typeof compute !== 'function') {
      throw apiError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `cache: the second argument must be a function that computes the value, got ${describeValue(compute)}.`);
    }
    if (!cachedValues.has(key)) cachedValues.set(key, compute());
    return cachedValues.get(key);
  });
}
