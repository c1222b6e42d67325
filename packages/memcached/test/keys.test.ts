import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';

import { decodeKey, encodeKey } from '../src/index.js';

function decode(bytes: Buffer): string {
  return decodeKey(bytes, 0, bytes.length);
}

describe('key mapping', () => {
  test('keys: ASCII and control bytes unchanged', () => {
    assert.equal(decode(Buffer.from('user:42')), 'user:42');
    assert.equal(decode(Buffer.from([0x01, 0x09, 0x7f, 0x41])), '\u0001\t\u007fA');
  });

  test('keys: valid UTF-8 decodes normally', () => {
    assert.equal(decode(Buffer.from('café ☕ 𝄞', 'utf8')), 'café ☕ 𝄞');
  });

  test('keys: invalid bytes become escapes', () => {
    assert.equal(decode(Buffer.from([0x61, 0xff, 0x62])), 'a\udcffb');
    assert.equal(decode(Buffer.from([0xc0, 0x80])), '\udcc0\udc80', 'overlong NUL');
    assert.equal(decode(Buffer.from([0xed, 0xa0, 0x80])), '\udced\udca0\udc80', 'encoded surrogate');
    assert.equal(decode(Buffer.from([0xe2, 0x82])), '\udce2\udc82', 'truncated sequence');
    assert.equal(decode(Buffer.from([0xc3, 0xa9, 0xff])), 'é\udcff', 'valid then invalid');
  });

  test('keys: decodeKey reads the given range', () => {
    const buffer = Buffer.from('get café x', 'utf8');
    assert.equal(decodeKey(buffer, 4, buffer.length - 2), 'café');
  });

  test('keys: encodeKey inverts decodeKey', () => {
    const samples = [Buffer.from('plain'), Buffer.from('naïve', 'utf8'), Buffer.from([0x80, 0x81, 0xfe, 0xff, 0x41, 0xf0, 0x9f, 0x98, 0x80])];
    for (let i = 0; i < 2000; i++) samples.push(randomBytes(1 + (i % 250)));
    for (const bytes of samples) assert.deepEqual(encodeKey(decode(bytes)), bytes, bytes.toString('hex'));
  });

  test('keys: mapping is one-to-one', () => {
    const seen = new Map<string, string>();
    for (let i = 0; i < 5000; i++) {
      const bytes = randomBytes(1 + (i % 6));
      const key = decode(bytes);
      const hex = bytes.toString('hex');
      const previous = seen.get(key);
      assert.ok(previous === undefined || previous === hex, `${previous} and ${hex} both map to one key`);
      seen.set(key, hex);
    }
  });

  test('keys: trigger keys encode as UTF-8', () => {
    assert.deepEqual(encodeKey('é'), Buffer.from([0xc3, 0xa9]));
    assert.deepEqual(encodeKey('\ud800'), Buffer.from([0xef, 0xbf, 0xbd]), 'lone high surrogate');
    assert.deepEqual(encodeKey('\ud800\udc80'), Buffer.from('\ud800\udc80', 'utf8'), 'pair containing an escape code unit');
  });
});
