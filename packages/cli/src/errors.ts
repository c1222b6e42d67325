import { createError, type ErrorCodeTable } from '@triggerbox/core';

export const CLI_ERROR_CODES = {
  TB_ERR_CLI_INVALID_OPTION: {
    kind: 'user',
    fix: 'A command-line option has an invalid value; the message names the option, the value and the accepted form.',
  },
  TB_ERR_CLI_CONFIG_INVALID: {
    kind: 'user',
    fix: 'The configuration file is not valid JSON or has an unknown key or a value of the wrong type; the message names the key and lists the valid ones.',
  },
  TB_ERR_CLI_CONFIG_NOT_FOUND: {
    kind: 'user',
    fix: 'The file given with --config does not exist or cannot be read; check the path.',
  },
  TB_ERR_CLI_NO_TRIGGERS: {
    kind: 'user',
    fix: 'No trigger file was found under the paths given with --triggers; give a .js trigger file or a folder that contains some.',
  },
} as const satisfies ErrorCodeTable;

export type CliErrorCode = keyof typeof CLI_ERROR_CODES;

export function cliError(code: CliErrorCode, message: string, cause?: unknown) {
  return createError(CLI_ERROR_CODES, code, message, cause === undefined ? undefined : { cause });
}
