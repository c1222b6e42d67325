/** Per-entry overhead added to the `bytes` statistic, in bytes (close to memcached's item header). */
export const ENTRY_OVERHEAD_BYTES = 48;

/** Node budget of `estimateValueBytes`; larger values are counted up to this many nodes. */
const ESTIMATE_NODE_LIMIT = 10_000;

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * Renders a trigger's value as the text a memcached client reads: strings as they are, numbers
 * and bigints in decimal, booleans as true/false, null as `null`, objects as JSON. A value JSON
 * cannot encode (a cycle) falls back to String(value).
 */
export function renderValueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (value === null) return 'null';

  try {
    const json = JSON.stringify(value, jsonReplacer);
    return json === undefined ? String(value) : json;
  } catch {
    return String(value);
  }
}

/**
 * Estimates the memory a stored value takes, in bytes: UTF-16 string length times two,
 * 8 per other primitive, plus property names. Only the first 10,000 nodes are counted, which
 * also bounds the walk of a cyclic value.
 */
export function estimateValueBytes(value: unknown): number {
  if (typeof value === 'string') return value.length * 2;
  if (typeof value !== 'object' || value === null) return 8;

  let nodes = 0;
  let bytes = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && nodes < ESTIMATE_NODE_LIMIT) {
    const item = stack.pop();
    nodes++;
    if (typeof item === 'string') {
      bytes += item.length * 2;
      continue;
    }
    if (typeof item !== 'object' || item === null) {
      bytes += 8;
      continue;
    }

    if (item instanceof Map || item instanceof Set) {
      for (const part of item instanceof Map ? item.entries() : item.values()) stack.push(part);
      continue;
    }
    for (const name of Object.keys(item)) {
      bytes += name.length * 2;
      stack.push((item as Record<string, unknown>)[name]);
    }
  }
  return bytes;
}
