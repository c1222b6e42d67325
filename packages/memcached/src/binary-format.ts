/** Constants of the memcached 1.4 binary protocol (`protocol_binary.h` at tag 1.4.39). */

export const REQUEST_MAGIC = 0x80;
export const RESPONSE_MAGIC = 0x81;
export const HEADER_BYTES = 24;

export const Opcode = {
  GET: 0x00,
  SET: 0x01,
  ADD: 0x02,
  REPLACE: 0x03,
  DELETE: 0x04,
  INCREMENT: 0x05,
  DECREMENT: 0x06,
  QUIT: 0x07,
  FLUSH: 0x08,
  GETQ: 0x09,
  NOOP: 0x0a,
  VERSION: 0x0b,
  GETK: 0x0c,
  GETKQ: 0x0d,
  APPEND: 0x0e,
  PREPEND: 0x0f,
  STAT: 0x10,
  SETQ: 0x11,
  ADDQ: 0x12,
  REPLACEQ: 0x13,
  DELETEQ: 0x14,
  INCREMENTQ: 0x15,
  DECREMENTQ: 0x16,
  QUITQ: 0x17,
  FLUSHQ: 0x18,
  APPENDQ: 0x19,
  PREPENDQ: 0x1a,
  TOUCH: 0x1c,
  GAT: 0x1d,
  GATQ: 0x1e,
  GATK: 0x23,
  GATKQ: 0x24,
} as const;

export const Status = {
  SUCCESS: 0x0000,
  KEY_NOT_FOUND: 0x0001,
  KEY_EXISTS: 0x0002,
  VALUE_TOO_LARGE: 0x0003,
  INVALID_ARGUMENTS: 0x0004,
  NOT_STORED: 0x0005,
  NON_NUMERIC: 0x0006,
  AUTH_ERROR: 0x0020,
  UNKNOWN_COMMAND: 0x0081,
  OUT_OF_MEMORY: 0x0082,
} as const;

/** Error texts memcached 1.4.39 sends as the value of an error response. */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  [Status.KEY_NOT_FOUND]: 'Not found',
  [Status.KEY_EXISTS]: 'Data exists for key.',
  [Status.VALUE_TOO_LARGE]: 'Too large.',
  [Status.INVALID_ARGUMENTS]: 'Invalid arguments',
  [Status.NOT_STORED]: 'Not stored.',
  [Status.NON_NUMERIC]: 'Non-numeric server-side value for incr or decr',
  [Status.AUTH_ERROR]: 'Auth failure.',
  [Status.UNKNOWN_COMMAND]: 'Unknown command',
  [Status.OUT_OF_MEMORY]: 'Out of memory',
};

/** Exptime of a binary incr/decr that means "do not create a missing key". */
export const NO_AUTO_CREATE_EXPTIME = 0xffff_ffff;

/** The normal opcode of each quiet opcode; quiet opcodes send errors but not successes. */
const QUIET_TO_NORMAL = new Map<number, number>([
  [Opcode.GETQ, Opcode.GET],
  [Opcode.GETKQ, Opcode.GETK],
  [Opcode.SETQ, Opcode.SET],
  [Opcode.ADDQ, Opcode.ADD],
  [Opcode.REPLACEQ, Opcode.REPLACE],
  [Opcode.DELETEQ, Opcode.DELETE],
  [Opcode.INCREMENTQ, Opcode.INCREMENT],
  [Opcode.DECREMENTQ, Opcode.DECREMENT],
  [Opcode.QUITQ, Opcode.QUIT],
  [Opcode.FLUSHQ, Opcode.FLUSH],
  [Opcode.APPENDQ, Opcode.APPEND],
  [Opcode.PREPENDQ, Opcode.PREPEND],
  [Opcode.GATQ, Opcode.GAT],
  [Opcode.GATKQ, Opcode.GATK],
]);

/** Returns the normal opcode for a quiet one, or -1 when `opcode` is not quiet. */
export function normalOfQuiet(opcode: number): number {
  return QUIET_TO_NORMAL.get(opcode) ?? -1;
}

/** A parsed request header. */
export interface RequestHeader {
  /** Opcode as sent, quiet or not. */
  opcode: number;
  /** Opcode with quiet variants mapped to their normal twin. */
  command: number;
  quiet: boolean;
  keyLength: number;
  extrasLength: number;
  bodyLength: number;
  /** The 4 opaque bytes, echoed unchanged. */
  opaque: number;
  cas: bigint;
}

/** Reads the 24-byte request header at `offset` (the magic byte is checked by the caller). */
export function readRequestHeader(data: Buffer, offset: number): RequestHeader {
  const opcode = data[offset + 1]!;
  const normal = normalOfQuiet(opcode);
  return {
    opcode,
    command: normal === -1 ? opcode : normal,
    quiet: normal !== -1,
    keyLength: data.readUInt16BE(offset + 2),
    extrasLength: data[offset + 4]!,
    bodyLength: data.readUInt32BE(offset + 8),
    opaque: data.readUInt32BE(offset + 12),
    cas: data.readBigUInt64BE(offset + 16),
  };
}

/**
 * Checks the length rules memcached 1.4.39 applies per command before reading the body. Returns
 * 'unknown' for opcodes it does not implement, which get status 0x0081 and are skipped.
 */
export function checkRequestLengths(header: RequestHeader): 'valid' | 'invalid' | 'unknown' {
  const { keyLength: key, extrasLength: extras, bodyLength: body } = header;
  let valid: boolean;
  switch (header.command) {
    case Opcode.VERSION:
    case Opcode.NOOP:
    case Opcode.QUIT:
      valid = extras === 0 && key === 0 && body === 0;
      break;
    case Opcode.FLUSH:
      valid = key === 0 && body === extras && (extras === 0 || extras === 4);
      break;
    case Opcode.SET:
    case Opcode.ADD:
    case Opcode.REPLACE:
      valid = extras === 8 && key !== 0 && body >= key + 8;
      break;
    case Opcode.GET:
    case Opcode.GETK:
    case Opcode.DELETE:
      valid = extras === 0 && key > 0 && body === key;
      break;
    case Opcode.INCREMENT:
    case Opcode.DECREMENT:
      valid = key > 0 && extras === 20 && body === key + extras;
      break;
    case Opcode.APPEND:
    case Opcode.PREPEND:
      valid = key > 0 && extras === 0;
      break;
    case Opcode.STAT:
      valid = extras === 0;
      break;
    case Opcode.TOUCH:
    case Opcode.GAT:
    case Opcode.GATK:
      valid = extras === 4 && key !== 0 && body === key + extras;
      break;
    default:
      return 'unknown';
  }
  return valid ? 'valid' : 'invalid';
}

/** True for commands whose body carries a value after extras and key. */
export function carriesValue(command: number): boolean {
  return (
    command === Opcode.SET ||
    command === Opcode.ADD ||
    command === Opcode.REPLACE ||
    command === Opcode.APPEND ||
    command === Opcode.PREPEND
  );
}
