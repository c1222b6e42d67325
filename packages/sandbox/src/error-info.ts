import { TriggerboxError, type EventName } from '@triggerbox/core';
import type { ErrorReport } from './isolate-contract.js';
import type { TriggerSource } from './trigger-source.js';

/** The last error of a trigger, as `TriggerInfo.lastError` reports it. */
export interface TriggerErrorInfo {
  /** `TB_ERR_*` code: TB_ERR_SANDBOX_SCRIPT_ERROR for the script's own exceptions. */
  code: string;
  /** Full text: trigger name, error, and position when known. */
  message: string;
  /** The trigger file, or `file#name` for a bundle item. */
  file: string;
  /** Line and column in the original file, when the error has a position there. */
  line?: number;
  column?: number;
  /** The event being run, when the error belongs to one. */
  event?: EventName;
  /** Clock time when the error was reported. */
  timeMs: number;
}

/** Finds the first stack frame in `origin` and returns its line and column. */
export function findPosition(stack: string, origin: string): { line: number; column: number } | null {
  for (const frame of stack.split('\n')) {
    const at = frame.lastIndexOf(`${origin}:`);
    if (at < 0) continue;
    const match = /^(\d+):(\d+)\)?\s*$/.exec(frame.slice(at + origin.length + 1));
    if (match !== null) return { line: Number(match[1]), column: Number(match[2]) };
  }
  return null;
}

/** Appends " at file:line:column", dropping a final period of `text` so the position ends the sentence. */
function withPosition(text: string, origin: string, line?: number, column?: number): string {
  if (line === undefined) return text;
  return `${text.replace(/\.$/, '')} at ${origin}:${line}:${column}`;
}

/** Builds the error info for an exception the trigger threw during an event. */
export function scriptErrorInfo(source: TriggerSource, report: ErrorReport, event: EventName | undefined, timeMs: number): TriggerErrorInfo {
  let code = report.code;
  if (code === '') {
    const overflow = report.errorName === 'RangeError' && report.message.includes('call stack');
    code = overflow ? 'TB_ERR_SANDBOX_STACK_OVERFLOW' : 'TB_ERR_SANDBOX_SCRIPT_ERROR';
  }
  // API errors carry the trigger name already; the script's own exceptions get it here.
  const text = report.message.startsWith(`${source.name}: `) ? report.message : `${source.name}: ${report.errorName}: ${report.message}`;
  const position = findPosition(report.stack, source.origin);

  return {
    code,
    message: withPosition(text, source.origin, position?.line, position?.column),
    file: source.origin,
    ...(position === null ? {} : position),
    ...(event === undefined ? {} : { event }),
    timeMs,
  };
}

/** Builds the error info for a failure without a script position, such as a timeout or a load error. */
export function plainErrorInfo(source: TriggerSource, code: string, message: string, event: EventName | undefined, timeMs: number): TriggerErrorInfo {
  return {
    code,
    message: message.startsWith(`${source.name}: `) ? message : `${source.name}: ${message}`,
    file: source.origin,
    ...(event === undefined ? {} : { event }),
    timeMs,
  };
}

/** Position attached to TB_ERR_SANDBOX_SYNTAX errors by the compiler step. */
export interface SourcePosition {
  file: string;
  line?: number;
  column?: number;
}

/** Builds the error info for an error thrown while loading, keeping a syntax error's position. */
export function loadErrorInfo(source: TriggerSource, error: unknown, timeMs: number): TriggerErrorInfo {
  const code = error instanceof TriggerboxError ? error.code : 'TB_ERR_SANDBOX_ISOLATE_FAILED';
  const message = error instanceof Error ? error.message : String(error);
  const position = (error as { position?: SourcePosition } | null)?.position;
  const info = plainErrorInfo(source, code, message, undefined, timeMs);
  if (position?.line !== undefined) {
    info.line = position.line;
    if (position.column !== undefined) info.column = position.column;
  }
  return info;
}
