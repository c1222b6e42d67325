import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { parseFlags, parseI32, parseStoredCounter, parseU64 } from '../src/numbers.js';

function word(text: string): [Buffer, number, number] {
  const buffer = Buffer.from(`#${text}#`, 'latin1');
  return [buffer, 1, buffer.length - 1];
}

describe('C integer parsing', () => {
  test('parseU64: strtoull rules', () => {
    const cases: Array<[string, bigint | null]> = [
      ['0', 0n],
      ['18446744073709551615', 18446744073709551615n],
      ['18446744073709551616', null],
      ['99999999999999999999999', null],
      ['000000000000000000000000042', 42n],
      ['+7', 7n],
      ['-0', 0n],
      ['-1', null],
      ['-9223372036854775808', null],
      ['\t5', 5n],
      ['5\t', 5n],
      ['5\tjunk', 5n],
      ['', null],
      ['abc', null],
      ['12x', null],
      ['+', null],
      ['\t', null],
    ];
    for (const [text, expected] of cases) assert.equal(parseU64(...word(text)), expected, JSON.stringify(text));
  });

  test('parseFlags: low 32 bits kept', () => {
    const cases: Array<[string, number | null]> = [
      ['0', 0],
      ['4294967295', 4294967295],
      ['4294967296', 0],
      ['4294967297', 1],
      ['18446744073709551615', 4294967295],
      ['-1', null],
      ['1.5', null],
    ];
    for (const [text, expected] of cases) assert.equal(parseFlags(...word(text)), expected, JSON.stringify(text));
  });

  test('parseI32: strtol then 32 bits', () => {
    const cases: Array<[string, number | null]> = [
      ['0', 0],
      ['2147483647', 2147483647],
      ['2147483648', null],
      ['-1', -1],
      ['-2147483648', -2147483648],
      ['-2147483649', 2147483647],
      ['-9223372036854775808', 0],
      ['-9223372036854775809', null],
      ['99999999999999999999', null],
      [' 10', 10],
      ['10x', null],
      ['x', null],
    ];
    for (const [text, expected] of cases) assert.equal(parseI32(...word(text)), expected, JSON.stringify(text));
  });

  test('parseStoredCounter: item data rules', () => {
    const cases: Array<[string, bigint | null]> = [
      ['5', 5n],
      [' 5', 5n],
      ['5 ', 5n],
      ['\r\n5', 5n],
      ['5\u0000junk', 5n],
      ['18446744073709551615', 18446744073709551615n],
      ['18446744073709551616', null],
      ['', null],
      ['   ', null],
      ['abc', null],
      ['12abc', null],
      ['-1', null],
      ['-0', 0n],
    ];
    for (const [text, expected] of cases) assert.equal(parseStoredCounter(Buffer.from(text, 'latin1')), expected, JSON.stringify(text));
  });
});
