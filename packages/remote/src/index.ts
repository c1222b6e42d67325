export { RemoteHttp } from './remote-http.js';
export type { RemoteHttpOptions, RemoteStats, SettledResponse } from './remote-http.js';
export { REMOTE_LIMITS, REQUEST_METHODS } from './validate.js';
export type { RemoteRequestOptions, RemoteTarget } from './validate.js';
export { REMOTE_ERROR_CODES } from './errors.js';
export type { RemoteErrorCode } from './errors.js';
