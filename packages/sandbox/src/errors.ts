import { createError, type ErrorCodeTable, type TriggerboxError } from '@triggerbox/core';

/** Error codes raised by `@triggerbox/sandbox`, listed in docs/errors.md. */
export const SANDBOX_ERROR_CODES = {
  TB_ERR_SANDBOX_EVENTS_MISSING: {
    kind: 'user',
    fix: 'Add an //Events: line to the trigger file header, such as //Events: DNS_REQUEST, DNS_RESPONSE.',
  },
  TB_ERR_SANDBOX_UNKNOWN_EVENT: {
    kind: 'user',
    fix: 'The trigger subscribes to an event Triggerbox does not know; use the event names listed in the message.',
  },
  TB_ERR_SANDBOX_INVALID_HEADER: {
    kind: 'user',
    fix: 'A trigger header line has an invalid value, such as an empty //Name: or //Debugging: other than Enabled or Disabled; fix the named line.',
  },
  TB_ERR_SANDBOX_INVALID_BUNDLE: {
    kind: 'user',
    fix: 'A trigger bundle must be JSON of the form {"Trigger": [{"name", "events", "script", "debug", "disabled"}]}; fix the named item.',
  },
  TB_ERR_SANDBOX_FILE_READ: {
    kind: 'user',
    fix: 'The trigger file or folder could not be read; check that the path exists and is readable.',
  },
  TB_ERR_SANDBOX_DUPLICATE_NAME: {
    kind: 'user',
    fix: 'Two loaded triggers have the same name; rename one, because Remote.HTTP responses and reports are matched by name.',
  },
  TB_ERR_SANDBOX_ALREADY_LOADED: {
    kind: 'user',
    fix: 'The file is loaded already; call reload() to replace it with its new contents.',
  },
  TB_ERR_SANDBOX_LOAD_FAILED: {
    kind: 'user',
    fix: 'Several trigger files failed to load and nothing from this call was loaded; fix each file listed in the message.',
  },
  TB_ERR_SANDBOX_SYNTAX: {
    kind: 'user',
    fix: 'The trigger script does not parse; fix the syntax at the file, line and column in the message.',
  },
  TB_ERR_SANDBOX_SCRIPT_ERROR: {
    kind: 'user',
    fix: 'The trigger threw an exception that it did not catch; fix the script at the file and line in the message. The other events and triggers keep running.',
  },
  TB_ERR_SANDBOX_STACK_OVERFLOW: {
    kind: 'user',
    fix: 'The trigger recursed too deeply; look for a function that calls itself without end at the line in the message.',
  },
  TB_ERR_SANDBOX_TIMEOUT: {
    kind: 'user',
    fix: 'One run of the trigger took longer than the per-event time limit and was stopped; look for an endless loop, or raise timeoutMs.',
  },
  TB_ERR_SANDBOX_MEMORY_LIMIT: {
    kind: 'user',
    fix: 'The trigger used more memory than its isolate may hold, so the isolate was rebuilt; look for data that grows without bound, or raise memoryLimitMb.',
  },
  TB_ERR_SANDBOX_ISOLATE_FAILED: {
    kind: 'system',
    fix: 'The isolate of a trigger failed for a reason other than time or memory and was rebuilt; report the message as a bug.',
  },
  TB_ERR_SANDBOX_EVENTS_SKIPPED: {
    kind: 'user',
    fix: 'A trigger hit the time or memory limit several times in one batch, so its remaining events of that batch were skipped; fix the earlier timeout or memory errors.',
  },
  TB_ERR_SANDBOX_INVALID_ARGUMENT: {
    kind: 'user',
    fix: 'A trigger API function received an invalid argument; the message names the trigger, the function and the value.',
  },
  TB_ERR_SANDBOX_WRONG_EVENT: {
    kind: 'user',
    fix: 'The trigger used an object or property that does not exist on the current event, such as DNS.answers on DNS_REQUEST; check event before using it.',
  },
  TB_ERR_SANDBOX_INVALID_EVENT: {
    kind: 'system',
    fix: 'fire() received an event whose name is not a Triggerbox event; this is a bug in the caller.',
  },
  TB_ERR_SANDBOX_INVALID_OPTION: {
    kind: 'user',
    fix: 'A trigger engine option is out of range: memoryLimitMb must be an integer of at least 8 and timeoutMs a positive integer.',
  },
  TB_ERR_SANDBOX_CLOSED: {
    kind: 'system',
    fix: 'The trigger engine was used after close(); create a new engine.',
  },
} as const satisfies ErrorCodeTable;

export type SandboxErrorCode = keyof typeof SANDBOX_ERROR_CODES;

export function sandboxError(code: SandboxErrorCode, message: string, cause?: unknown): TriggerboxError {
  return createError(SANDBOX_ERROR_CODES, code, message, cause === undefined ? undefined : { cause });
}
