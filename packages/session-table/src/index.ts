export { SessionTable, DEFAULT_CAPACITY } from './session-table.js';
export type { SessionTableOptions } from './session-table.js';
export { SESSION_ERROR_CODES } from './errors.js';
export type { SessionErrorCode } from './errors.js';
export { bucketBoundaryMs } from './expiry-wheel.js';
export { renderValueText } from './render.js';
export { PRIORITY_LOW, PRIORITY_NORMAL, PRIORITY_HIGH } from './types.js';
export type {
  ExpiredKeyData,
  ItemExpiry,
  ItemView,
  Priority,
  RemovalReason,
  SessionOptions,
  SessionTableStats,
  SnapshotEntry,
  StoredOptions,
  TableSnapshot,
} from './types.js';
