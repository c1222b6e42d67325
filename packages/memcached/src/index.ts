export {
  startMemcachedServer,
  DEFAULT_MEMCACHED_HOST,
  DEFAULT_MEMCACHED_PORT,
  DEFAULT_MEMCACHED_VERSION,
  DEFAULT_DRAIN_TIMEOUT_MS,
} from './server.js';
export type { MemcachedServer, MemcachedServerAddress, MemcachedServerOptions } from './server.js';
export { DEFAULT_MEMCACHED_LIMITS } from './limits.js';
export type { MemcachedLimits } from './limits.js';
export type { MemcachedServerStats } from './stats.js';
export { MEMCACHED_ERROR_CODES } from './errors.js';
export type { MemcachedErrorCode } from './errors.js';
export { decodeKey, encodeKey, KEY_MAX_BYTES } from './keys.js';
export { decodeExptime, MAX_RELATIVE_EXPTIME_SECONDS } from './exptime.js';
export { saveState, loadState } from './state-file.js';
