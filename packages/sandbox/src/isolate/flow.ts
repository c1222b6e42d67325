import { IPAddress } from './ip-address.js';
import { apiError, callHost, column, current, getConfig } from './state.js';

/** Returns the `Flow` object of the current event, or null when the event has no flow. */
export function currentFlow(): object | null {
  if (current.flowObject !== null) return current.flowObject;

  const { flowField, flowStride } = getConfig();
  const values = column('flow');
  const base = current.index * flowStride;
  const read = (name: string): unknown => values[base + (flowField[name] as number)];
  if (read('present') !== true) return null;

  const flowId = read('id') as string;
  const endpoint = (ipaddr: unknown, port: unknown) => Object.freeze({ ipaddr: new IPAddress(ipaddr), port });
  const flow = {
    client: endpoint(read('clientIpaddr'), read('clientPort')),
    server: endpoint(read('serverIpaddr'), read('serverPort')),
    ipproto: read('ipproto'),
    ipver: read('ipver'),
    l7proto: read('l7proto'),
    get store(): Record<string, unknown> {
      if (current.flowStore === undefined) {
        const stored = callHost('Flow.store', () => getConfig().host.flowStoreGet(flowId));
        current.flowStore = (stored ?? {}) as Record<string, unknown>;
        flowStoreId = flowId;
      }
      return current.flowStore;
    },
    set store(_value: unknown) {
      throw apiError('TB_ERR_SANDBOX_INVALID_ARGUMENT', 'Flow.store: cannot be replaced; set properties on it instead, such as Flow.store.start = getTimestamp().');
    },
  };
  current.flowObject = Object.freeze(flow);
  return current.flowObject;
}

/** Flow id of the store read during the current event. */
let flowStoreId = '';

/** Writes the flow store back to the host when the event read it; throws when it cannot be copied. */
export function saveFlowStore(): void {
  const store = current.flowStore;
  if (store === undefined) return;
  current.flowStore = undefined;
  const flowId = flowStoreId;
  callHost('Flow.store', () => getConfig().host.flowStoreSet(flowId, store));
}
