export { CYCLE_MS, cycleStart, SystemClock, VirtualClock } from './clock.js';
export type { Clock } from './clock.js';
export { CORE_ERROR_CODES, TriggerboxError, createError } from './errors.js';
export type { ErrorCodeInfo, ErrorCodeTable, ErrorKind } from './errors.js';
export { createLogger, silentLogger } from './logger.js';
export type { LogFields, Logger, LoggerOptions, LogLevel } from './logger.js';
export { EVENT_NAMES } from './events.js';
export type {
  DnsAnswerData,
  DnsEventData,
  DnsResponseData,
  EventName,
  ExpiredKeyData,
  FlowData,
  FlowEndpoint,
  RemoteResponseData,
  TriggerEvent,
} from './events.js';
