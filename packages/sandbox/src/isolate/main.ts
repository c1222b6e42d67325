/**
 * Entry module of the trigger runtime, evaluated once in each trigger's isolate. The host calls
 * `setup`, then `setTrigger` with the compiled trigger body, then `runBatch` per batch of events.
 */
import type { HostCallbacks, SetupOptions } from './contract.js';
import { installGlobals } from './globals.js';
import { setConfig } from './state.js';

export { runBatch, drain, setTrigger } from './runner.js';

function indexOf(names: string[]): Record<string, number> {
  const index: Record<string, number> = {};
  names.forEach((name, position) => {
    index[name] = position;
  });
  return index;
}

export function setup(host: HostCallbacks, options: SetupOptions): void {
  setConfig({
    host,
    options,
    dnsField: indexOf(options.dnsFields),
    flowField: indexOf(options.flowFields),
    dnsStride: options.dnsFields.length,
    flowStride: options.flowFields.length,
    metricTypeCode: indexOf(options.metricTypes),
  });
  installGlobals();
}
