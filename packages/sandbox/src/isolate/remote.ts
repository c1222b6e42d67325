import { apiError, callHost, column, current, defineFixed, defineGetter, describeValue, getConfig } from './state.js';

/** Queues one request on the host; returns true when queued and marks the run to stop after this event. */
function send(target: string, method: string, options: unknown): boolean {
  const where = `Remote.HTTP(${JSON.stringify(target)}).${method.toLowerCase()}`;
  const queued = callHost(where, () => getConfig().host.remote(target, method, options));
  if (queued) current.remoteQueued = true;
  return queued;
}

function createTarget(target: string): object {
  const handle = {};
  for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
    defineFixed(handle, method, (options?: unknown) => send(target, method.toUpperCase(), options));
  }
  defineFixed(handle, 'request', (method: unknown, options?: unknown) => {
    if (typeof method !== 'string') {
      throw apiError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `Remote.HTTP("${target}").request: the method must be a string such as "POST", got ${describeValue(method)}.`);
    }
    return send(target, method, options);
  });
  return Object.freeze(handle);
}

/** Creates the `Remote` global with `Remote.HTTP(name)` and, on REMOTE_RESPONSE, `Remote.response`. */
export function createRemote(): object {
  const remote = {};
  defineFixed(remote, 'HTTP', (name?: unknown) => {
    if (name !== undefined && (typeof name !== 'string' || name.length === 0)) {
      throw apiError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `Remote.HTTP: the target name must be a non-empty string, got ${describeValue(name)}.`);
    }
    return createTarget(name ?? 'default');
  });
  defineGetter(remote, 'response', () => {
    if (current.name !== 'REMOTE_RESPONSE') {
      throw apiError('TB_ERR_SANDBOX_WRONG_EVENT', `Remote.response: only available on REMOTE_RESPONSE events, this event is ${current.name}.`);
    }
    return column('remoteResponse')[current.index] ?? null;
  });
  return Object.freeze(remote);
}
