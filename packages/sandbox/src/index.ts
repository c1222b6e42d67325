export { createTriggerEngine } from './engine.js';
export type { MetricRecorder, MetricType, TriggerEngine, TriggerEngineOptions, TriggerInfo } from './types.js';
export type { TriggerErrorInfo } from './error-info.js';
export type { SystemInfo } from './isolate-contract.js';
export { SANDBOX_LIMITS } from './limits.js';
export { SANDBOX_ERROR_CODES } from './errors.js';
export type { SandboxErrorCode } from './errors.js';
