import { apiError, column, current, defineFixed, defineGetter, getConfig, unwrap } from './state.js';

/** Calls a SessionTable method on the host; arguments and results cross by copy. */
function callHost(method: string, args: unknown[]): unknown {
  let reply;
  try {
    reply = getConfig().host.session(method, args);
  } catch (error) {
    // isolated-vm throws here when an argument cannot be copied, such as a function inside the value.
    const reason = error instanceof Error ? error.message : String(error);
    throw apiError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `Session.${method}: the arguments cannot be copied to the session table (${reason}); store plain data.`);
  }
  return unwrap(reply);
}

/** The `Session` global: the shared session table of the host. */
export function createSession(): object {
  const session = {};
  for (const method of ['add', 'lookup', 'modify', 'replace', 'remove', 'increment', 'getOptions']) {
    defineFixed(session, method, (...args: unknown[]) => callHost(method, args));
  }
  // `update` is the deprecated name of `replace`; errors name the method the trigger called.
  defineFixed(session, 'update', (...args: unknown[]) => callHost('update', args));
  defineFixed(session, 'PRIORITY_LOW', 0);
  defineFixed(session, 'PRIORITY_NORMAL', 1);
  defineFixed(session, 'PRIORITY_HIGH', 2);
  defineGetter(session, 'expiredKeys', () => {
    if (current.name !== 'SESSION_EXPIRE') {
      throw apiError('TB_ERR_SANDBOX_WRONG_EVENT', `Session.expiredKeys: only available on SESSION_EXPIRE events, this event is ${current.name}.`);
    }
    return column('expiredKeys')[current.index] ?? [];
  });
  return Object.freeze(session);
}
