import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { posix } from 'node:path';
import type ivm from 'isolated-vm';
import { sandboxError } from './errors.js';

/** Compiled in-isolate runtime, built from src/isolate by its own tsconfig. */
const RUNTIME_DIRECTORY = new URL('../isolate/', import.meta.url);
const ENTRY_MODULE = 'main.js';

let runtimeSources: Map<string, string> | null = null;

/** Reads the runtime modules once per process; throws when the isolate build is missing. */
export function loadRuntimeSources(): Map<string, string> {
  if (runtimeSources !== null) return runtimeSources;

  const directory = fileURLToPath(RUNTIME_DIRECTORY);
  const sources = new Map<string, string>();
  try {
    for (const name of readdirSync(directory)) {
      if (name.endsWith('.js')) sources.set(name, readFileSync(new URL(name, RUNTIME_DIRECTORY), 'utf8'));
    }
  } catch (error) {
    throw sandboxError('TB_ERR_SANDBOX_ISOLATE_FAILED', `The trigger runtime is missing at ${directory}; run "npm run build" first.`, error);
  }
  if (!sources.has(ENTRY_MODULE)) {
    throw sandboxError('TB_ERR_SANDBOX_ISOLATE_FAILED', `The trigger runtime at ${directory} has no ${ENTRY_MODULE}; run "npm run build" first.`);
  }
  runtimeSources = sources;
  return sources;
}

/** Compiles, links and evaluates the runtime modules in `context`; returns the entry module. */
export function instantiateRuntime(isolate: ivm.Isolate, context: ivm.Context, timeoutMs: number): ivm.Module {
  const sources = loadRuntimeSources();
  const modules = new Map<string, ivm.Module>();

  const load = (name: string): ivm.Module => {
    let module = modules.get(name);
    if (module !== undefined) return module;
    const code = sources.get(name);
    if (code === undefined) {
      throw sandboxError('TB_ERR_SANDBOX_ISOLATE_FAILED', `The trigger runtime imports ${name}, which is not built; run "npm run build".`);
    }
    module = isolate.compileModuleSync(code, { filename: `triggerbox-runtime:///${name}` });
    modules.set(name, module);
    return module;
  };

  const entry = load(ENTRY_MODULE);
  // Every runtime module sits in one folder and imports its siblings as "./name.js".
  entry.instantiateSync(context, (specifier) => load(posix.basename(specifier)));
  entry.evaluateSync({ timeout: timeoutMs });
  return entry;
}
