/** Nesting depth up to which the fast copy recurses before handing the value to structuredClone. */
const FAST_COPY_DEPTH_LIMIT = 64;

/** Thrown inside the fast path when a value needs structuredClone instead. */
const NEEDS_STRUCTURED_CLONE = Symbol('needs structuredClone');

function copyPlain(value: unknown, depth: number): unknown {
  if (typeof value !== 'object') {
    if (typeof value === 'function' || typeof value === 'symbol') throw NEEDS_STRUCTURED_CLONE;
    return value;
  }
  if (value === null) return null;
  if (depth > FAST_COPY_DEPTH_LIMIT) throw NEEDS_STRUCTURED_CLONE;

  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let index = 0; index < value.length; index++) copy[index] = copyPlain(value[index], depth + 1);
    return copy;
  }

  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) throw NEEDS_STRUCTURED_CLONE;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const child = copyPlain((value as Record<string, unknown>)[key], depth + 1);
    // An own "__proto__" key (JSON.parse makes them) must stay a property, not set the prototype.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: child, enumerable: true, writable: true, configurable: true });
    else copy[key] = child;
  }
  return copy;
}

/**
 * Deep-copies a value. Trees of plain objects, arrays and primitives are copied by a recursive
 * walk, several times faster than structuredClone on Node 20. Anything else (Date, Map, Set,
 * typed arrays, class instances, functions, nesting deeper than 64 levels, cycles) goes through
 * structuredClone, which also raises its DataCloneError for values it cannot copy.
 * NOTE: the fast path copies an object reachable twice in a tree as two separate objects, while
 * structuredClone would keep one shared copy.
 */
export function copyValue(value: unknown): unknown {
  try {
    return copyPlain(value, 0);
  } catch (error) {
    if (error !== NEEDS_STRUCTURED_CLONE) throw error;
    return structuredClone(value);
  }
}
