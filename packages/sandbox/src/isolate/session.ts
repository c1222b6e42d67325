import type { HostCallbacks } from './contract.js';
import { apiError, callHost, column, current, defineFixed, defineGetter, getConfig } from './state.js';

type ValueMethod = 'sessionAdd' | 'sessionModify' | 'sessionReplace' | 'sessionUpdate';
type KeyMethod = 'sessionLookup' | 'sessionRemove' | 'sessionGetOptions';

/** Creates the `Session` global over the host's session table; each method call is one host call. */
export function createSession(): object {
  const host: HostCallbacks = getConfig().host;
  const session = {};

  const valueMethod = (name: string, callback: ValueMethod) =>
    defineFixed(session, name, (key: unknown, value: unknown, options?: unknown) =>
      callHost(`Session.${name}`, () => host[callback](key, value, options)),
    );
  const keyMethod = (name: string, callback: KeyMethod) =>
    defineFixed(session, name, (key: unknown) => callHost(`Session.${name}`, () => host[callback](key)));

  valueMethod('add', 'sessionAdd');
  valueMethod('modify', 'sessionModify');
  valueMethod('replace', 'sessionReplace');
  valueMethod('update', 'sessionUpdate');
  keyMethod('lookup', 'sessionLookup');
  keyMethod('remove', 'sessionRemove');
  keyMethod('getOptions', 'sessionGetOptions');
  defineFixed(session, 'increment', (key: unknown, count?: unknown) =>
    callHost('Session.increment', () => host.sessionIncrement(key, count)),
  );

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
