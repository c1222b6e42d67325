import type { Entry } from './entry.js';
import { renderValueText } from './render.js';
import { sessionError } from './validate.js';
import type { Priority, SnapshotEntry, StoredOptions, TableSnapshot } from './types.js';

export const SNAPSHOT_FORMAT = 'triggerbox-session-table';
export const SNAPSHOT_VERSION = 1;

/** A snapshot entry decoded back into what the table stores. */
export interface DecodedSnapshotEntry {
  key: string;
  jsValue: unknown;
  bytes: Buffer | null;
  flags: number;
  remainingMs: number | null;
  ageMs: number;
  options: StoredOptions;
  cas: bigint;
}

/** Encodes one entry; `nowMs` turns the deadline and age into durations. */
export function encodeEntry(entry: Entry, nowMs: number): SnapshotEntry {
  const base = {
    key: entry.key,
    flags: entry.flags,
    remainingMs: entry.deadlineMs === null ? null : entry.deadlineMs - nowMs,
    ageMs: nowMs - entry.ageStartMs,
    options: { expire: entry.expireSeconds, notify: entry.notify, priority: entry.priority },
    cas: entry.cas.toString(),
  };
  if (entry.bytes !== null) return { ...base, encoding: 'bytes', base64: entry.bytes.toString('base64') };

  const value = entry.jsValue;
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return { ...base, encoding: 'number', text: String(value) };
  }
  try {
    const json = JSON.stringify(value);
    if (json !== undefined && typeof value !== 'bigint') {
      return { ...base, encoding: 'json', value: JSON.parse(json) as unknown };
    }
  } catch {
    // A cycle or a nested bigint: fall through to the text form.
  }
  return { ...base, encoding: 'text', text: renderValueText(value) };
}

function invalid(index: number, problem: string): never {
  throw sessionError(
    'TB_ERR_SESSION_INVALID_SNAPSHOT',
    `Session snapshot entry ${index}: ${problem}. The state file is damaged or was written by another program, so delete it or restore a backup.`,
  );
}

function decodeOptions(index: number, raw: unknown): StoredOptions {
  if (typeof raw !== 'object' || raw === null) invalid(index, 'options is not an object');
  const { expire, notify, priority } = raw as Record<string, unknown>;
  if (expire !== null && (typeof expire !== 'number' || !Number.isFinite(expire) || expire < 0)) {
    invalid(index, `options.expire is ${String(expire)}, expected seconds >= 0 or null`);
  }
  if (typeof notify !== 'boolean') invalid(index, `options.notify is ${String(notify)}, expected a boolean`);
  if (priority !== 0 && priority !== 1 && priority !== 2) {
    invalid(index, `options.priority is ${String(priority)}, expected 0, 1 or 2`);
  }
  return { expire: expire as number | null, notify, priority: priority as Priority };
}

function decodeValue(index: number, raw: Record<string, unknown>): { jsValue: unknown; bytes: Buffer | null } {
  switch (raw.encoding) {
    case 'json':
      if (!('value' in raw)) invalid(index, 'encoding json without a value');
      return { jsValue: raw.value, bytes: null };
    case 'number':
      if (typeof raw.text !== 'string') invalid(index, 'encoding number without a text');
      return { jsValue: Number(raw.text), bytes: null };
    case 'text':
      if (typeof raw.text !== 'string') invalid(index, 'encoding text without a text');
      return { jsValue: raw.text, bytes: null };
    case 'bytes':
      if (typeof raw.base64 !== 'string') invalid(index, 'encoding bytes without base64');
      return { jsValue: null, bytes: Buffer.from(raw.base64, 'base64') };
    default:
      return invalid(index, `unknown encoding ${JSON.stringify(raw.encoding)}`);
  }
}

function decodeEntry(index: number, raw: unknown): DecodedSnapshotEntry {
  if (typeof raw !== 'object' || raw === null) invalid(index, 'not an object');
  const record = raw as Record<string, unknown>;
  const { key, flags, remainingMs, ageMs, cas } = record;

  if (typeof key !== 'string' || key.length === 0) invalid(index, 'key is not a non-empty string');
  if (typeof flags !== 'number' || !Number.isInteger(flags) || flags < 0 || flags > 0xffff_ffff) {
    invalid(index, `flags is ${String(flags)}, expected an unsigned 32-bit integer`);
  }
  if (remainingMs !== null && (typeof remainingMs !== 'number' || !Number.isFinite(remainingMs))) {
    invalid(index, `remainingMs is ${String(remainingMs)}, expected a number or null`);
  }
  if (typeof ageMs !== 'number' || !Number.isFinite(ageMs)) invalid(index, `ageMs is ${String(ageMs)}`);
  if (typeof cas !== 'string' || !/^[0-9]{1,20}$/.test(cas)) invalid(index, `cas is ${String(cas)}`);

  return {
    key,
    ...decodeValue(index, record),
    flags,
    remainingMs: remainingMs as number | null,
    ageMs,
    options: decodeOptions(index, record.options),
    cas: BigInt(cas),
  };
}

/** Checks a parsed state file and decodes its entries; throws TB_ERR_SESSION_INVALID_SNAPSHOT. */
export function decodeSnapshot(snapshot: unknown): { nextCas: bigint; entries: DecodedSnapshotEntry[] } {
  if (typeof snapshot !== 'object' || snapshot === null) {
    throw sessionError('TB_ERR_SESSION_INVALID_SNAPSHOT', 'Session snapshot is not an object.');
  }
  const record = snapshot as Partial<TableSnapshot>;
  if (record.format !== SNAPSHOT_FORMAT || record.version !== SNAPSHOT_VERSION) {
    throw sessionError(
      'TB_ERR_SESSION_INVALID_SNAPSHOT',
      `Session snapshot has format ${JSON.stringify(record.format)} version ${JSON.stringify(record.version)}; expected "${SNAPSHOT_FORMAT}" version ${SNAPSHOT_VERSION}.`,
    );
  }
  if (typeof record.nextCas !== 'string' || !/^[0-9]{1,20}$/.test(record.nextCas)) {
    throw sessionError('TB_ERR_SESSION_INVALID_SNAPSHOT', `Session snapshot nextCas is ${String(record.nextCas)}, expected a decimal string.`);
  }
  if (!Array.isArray(record.entries)) {
    throw sessionError('TB_ERR_SESSION_INVALID_SNAPSHOT', 'Session snapshot has no entries array.');
  }

  const entries = record.entries.map((raw, index) => decodeEntry(index, raw));
  return { nextCas: BigInt(record.nextCas), entries };
}
