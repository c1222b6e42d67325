import { apiError, current, defineFixed, describeValue, getConfig, pending } from './state.js';

/** Metric values stay below 2^63 (signed 64-bit); 2^63 - 1 itself is not a double. */
const METRIC_VALUE_LIMIT = 2 ** 63;

type ValueKind = 'count' | 'number' | 'item';

interface MetricMethod {
  type: string;
  detail: boolean;
  /** Argument name used in error messages, as in the vendor's documentation. */
  valueName: string;
  valueKind: ValueKind;
  /** Whether `options.freq` is accepted. */
  takesFreq: boolean;
}

const METHODS: Record<string, MetricMethod> = {};
for (const [suffix, type, valueName, valueKind, takesFreq] of [
  ['Count', 'count', 'count', 'count', false],
  ['Dataset', 'dataset', 'val', 'number', true],
  ['Sampleset', 'sampleset', 'val', 'number', true],
  ['Max', 'max', 'val', 'number', false],
  ['Snap', 'snap', 'count', 'number', false],
  ['Distinct', 'distinct', 'item', 'item', false],
] as const) {
  METHODS[`metricAdd${suffix}`] = { type, detail: false, valueName, valueKind, takesFreq };
  METHODS[`metricAddDetail${suffix}`] = { type, detail: true, valueName, valueKind, takesFreq };
}

const OPTION_NAMES = ['freq', 'highPrecision'];

/**
 * Validates one metric call and buffers it; the runner hands buffered records to the host's
 * MetricSink when the run returns. A NaN value or a null detail key is dropped silently.
 */
function recordMetric(source: 0 | 1, objectName: string, label: string, methodName: string, args: unknown[]): void {
  const method = METHODS[methodName] as MetricMethod;
  const where = `${label}.${methodName}`;
  const [metric, ...rest] = args;
  const key = method.detail ? rest[0] : null;
  const value = method.detail ? rest[1] : rest[0];
  const options = method.detail ? rest[2] : rest[1];

  if (typeof metric !== 'string' || metric.length === 0) {
    throw apiError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `${where}: the metric name must be a non-empty string, got ${describeValue(metric)}.`);
  }
  if (method.detail && key !== null && typeof key !== 'string') {
    throw apiError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `${where}: the detail key must be a string, got ${describeValue(key)}; convert it with String().`);
  }
  const [freq, highPrecision] = parseOptions(where, method, options);
  if (method.detail && key === null) return;

  let recorded: string | number;
  if (method.valueKind === 'item') {
    if (typeof value === 'number' && Number.isNaN(value)) return;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint' && typeof value !== 'boolean') {
      throw apiError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `${where}: ${method.valueName} must be a string or a number, got ${describeValue(value)}; convert it to a string that identifies it.`);
    }
    recorded = String(value);
  } else {
    if (typeof value === 'number' && Number.isNaN(value)) return;
    recorded = checkNumber(where, method, value);
  }

  const typeCode = getConfig().metricTypeCode[method.type] as number;
  if (method.valueKind === 'count') {
    addCount(source, objectName, typeCode, metric, key as string | null, recorded as number, highPrecision);
    return;
  }
  pending.metrics.push(source, objectName, typeCode, metric, key, recorded, freq, highPrecision);
}

/**
 * Counts of one batch call, summed per metric row. A count row only adds up, so one record with
 * the sum gives the sink the same totals as one record per call, for a fraction of the cost.
 */
const pendingCounts = new Map<string, unknown[]>();

function addCount(source: 0 | 1, objectName: string, typeCode: number, metric: string, key: string | null, count: number, highPrecision: number): void {
  const rowKey = `${source}\0${objectName}\0${metric}\0${key === null ? '\u0001' : `s${key}`}\0${highPrecision}`;
  const record = pendingCounts.get(rowKey);
  if (record === undefined) {
    pendingCounts.set(rowKey, [source, objectName, typeCode, metric, key, count, 0, highPrecision]);
    return;
  }
  record[5] = (record[5] as number) + count;
}

/** Moves the summed counts into `pending.metrics`; the runner calls it before returning records. */
export function flushCounts(): void {
  for (const record of pendingCounts.values()) pending.metrics.push(...record);
  pendingCounts.clear();
}

function checkNumber(where: string, method: MetricMethod, value: unknown): number {
  if (method.valueKind === 'count') {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value >= METRIC_VALUE_LIMIT) {
      throw apiError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `${where}: ${method.valueName} must be a positive integer, got ${describeValue(value)}.`);
    }
    return value;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= METRIC_VALUE_LIMIT) {
    throw apiError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `${where}: ${method.valueName} must be an integer from 0 to 2^63-1, got ${describeValue(value)}; round it with Math.round or Math.floor first.`);
  }
  return value;
}

/** Returns `[freq, highPrecision]` with 0 for an absent freq and 0 or 1 for the flag. */
function parseOptions(where: string, method: MetricMethod, options: unknown): [number, number] {
  if (options === undefined || options === null) return [0, 0];
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw apiError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `${where}: options must be an object such as {highPrecision: true}, got ${describeValue(options)}.`);
  }
  const record = options as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    if (!OPTION_NAMES.includes(name) || (name === 'freq' && !method.takesFreq)) {
      const valid = method.takesFreq ? 'freq and highPrecision' : 'highPrecision';
      throw apiError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `${where}: unknown option "${name}"; the valid options are ${valid}.`);
    }
  }

  let freq = 0;
  if (record.freq !== undefined) {
    if (typeof record.freq !== 'number' || !Number.isSafeInteger(record.freq) || record.freq < 1) {
      throw apiError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `${where}: option freq must be a positive integer, got ${describeValue(record.freq)}.`);
    }
    freq = record.freq;
  }
  if (record.highPrecision !== undefined && typeof record.highPrecision !== 'boolean') {
    throw apiError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `${where}: option highPrecision must be true or false, got ${describeValue(record.highPrecision)}.`);
  }
  return [freq, record.highPrecision === true ? 1 : 0];
}

/** Adds the twelve metricAdd* methods to `target`, recording under `source` and `objectName`. */
function addMetricMethods(target: object, source: 0 | 1, objectName: string, label: string): void {
  for (const methodName of Object.keys(METHODS)) {
    defineFixed(target, methodName, (...args: unknown[]) => recordMetric(source, objectName, label, methodName, args));
  }
}

/** Creates the `Network` global, which records metrics at network level on every event. */
export function createNetwork(): object {
  const network = {};
  addMetricMethods(network, 1, '', 'Network');
  return Object.freeze(network);
}

const DNS_EVENTS = ['DNS_REQUEST', 'DNS_RESPONSE'];

/** The `Application(name)` global function; it returns an object with the metric methods and `commit()`. */
export function createApplicationFunction(): (name: unknown) => object {
  const cache = new Map<string, object>();
  return function Application(name: unknown): object {
    if (typeof name !== 'string' || name.length === 0) {
      throw apiError('TB_ERR_SANDBOX_INVALID_ARGUMENT', `Application: the name must be a non-empty string, got ${describeValue(name)}.`);
    }
    const existing = cache.get(name);
    if (existing !== undefined) return existing;

    const label = `Application(${JSON.stringify(name)})`;
    const application = {};
    addMetricMethods(application, 0, name, label);
    defineFixed(application, 'name', name);
    defineFixed(application, 'commit', () => {
      if (DNS_EVENTS.includes(current.name)) return;
      throw apiError('TB_ERR_SANDBOX_WRONG_EVENT', `${label}.commit: only available on DNS_REQUEST and DNS_RESPONSE events, this event is ${current.name}.`);
    });
    Object.freeze(application);
    if (cache.size < 1024) cache.set(name, application);
    return application;
  };
}
