import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { InputBuffer } from '../src/input-buffer.js';
import { ReplyWriter } from '../src/reply-writer.js';

describe('InputBuffer', () => {
  test('input: first chunk used without copy', () => {
    const input = new InputBuffer();
    const chunk = Buffer.from('get a\r\n');
    input.push(chunk);
    assert.equal(input.data, chunk);
    assert.equal(input.length, chunk.length);
  });

  test('input: leftovers joined with new chunks', () => {
    const input = new InputBuffer();
    input.push(Buffer.from('set k 0 0 5\r\nab'));
    input.consume('set k 0 0 5\r\n'.length);
    input.push(Buffer.from('cde\r\n'));
    assert.equal(input.data.toString('latin1', input.start, input.end), 'abcde\r\n');
  });

  test('input: newline search ends at live bytes', () => {
    const input = new InputBuffer();
    input.push(Buffer.from('line one\r\nline'));
    input.consume(10);
    input.push(Buffer.from(' two'));
    assert.equal(input.indexOfNewline(input.start), -1, 'stale bytes after the end are not searched');
    input.push(Buffer.from('\n'));
    assert.equal(input.indexOfNewline(input.start), input.end - 1);
  });

  test('input: large value in many pieces', () => {
    const input = new InputBuffer();
    const expected: Buffer[] = [];
    for (let i = 0; i < 1000; i++) {
      const piece = Buffer.alloc(1000, i % 251);
      expected.push(piece);
      input.push(piece);
    }
    assert.equal(input.length, 1_000_000);
    assert.deepEqual(input.data.subarray(input.start, input.end), Buffer.concat(expected));
    assert.ok(input.data.length <= 4_000_000, 'growth by doubling stays within 4x');
  });

  test('input: memory released when empty', () => {
    const input = new InputBuffer();
    input.push(Buffer.alloc(10));
    input.push(Buffer.alloc(200_000));
    input.consume(200_010);
    assert.equal(input.length, 0);
    assert.equal(input.data.length, 0);
  });
});

describe('ReplyWriter', () => {
  test('writer: pieces come out in order', () => {
    const out = new ReplyWriter();
    out.writeLatin1('VALUE ');
    out.writeCopy(Buffer.from('xkeyx'), 1, 4);
    out.writeLatin1(' 0 5000\r\n');
    out.writeStable(Buffer.alloc(5000, 0x61));
    out.writeLatin1('\r\nEND\r\n');
    out.writeUInt16BE(0x0102);
    out.writeBigUInt64BE(3n);
    assert.equal(out.length, 6 + 3 + 9 + 5000 + 7 + 2 + 8);
    const bytes = Buffer.concat(out.take());
    assert.equal(bytes.toString('latin1', 0, 18), 'VALUE key 0 5000\r\n');
    assert.equal(bytes.toString('latin1', 5018, 5025), '\r\nEND\r\n');
    assert.deepEqual(bytes.subarray(5025), Buffer.from([1, 2, 0, 0, 0, 0, 0, 0, 0, 3]));
    assert.equal(out.length, 0);
  });

  test('writer: decimal numbers', () => {
    const out = new ReplyWriter();
    const values = [0, 7, 10, 99, 100, 4_294_967_295, Number.MAX_SAFE_INTEGER];
    for (const value of values) {
      out.writeDecimal(value);
      out.writeLatin1(',');
    }
    assert.equal(Buffer.concat(out.take()).toString(), '0,7,10,99,100,4294967295,9007199254740991,');
  });

  test('writer: taken slices never rewritten', () => {
    const out = new ReplyWriter();
    out.writeLatin1('first');
    const [first] = out.take();
    out.writeLatin1('second');
    assert.equal(first!.toString(), 'first');
    assert.equal(Buffer.concat(out.take()).toString(), 'second');
  });

  test('writer: rollback drops a partial reply', () => {
    const out = new ReplyWriter();
    out.writeLatin1('kept\r\n');
    out.setMark();
    for (let i = 0; i < 100; i++) out.writeLatin1('x'.repeat(1000));
    out.writeStable(Buffer.alloc(10_000));
    out.rollbackToMark();
    out.writeLatin1('after\r\n');
    assert.equal(Buffer.concat(out.take()).toString(), 'kept\r\nafter\r\n');
  });

  test('writer: reply end callback', () => {
    const out = new ReplyWriter();
    const replies: string[] = [];
    out.onReplyEnd = () => replies.push(Buffer.concat(out.take()).toString());
    out.writeLatin1('one');
    out.endReply();
    out.endReply();
    out.writeLatin1('two');
    out.endReply();
    assert.deepEqual(replies, ['one', '', 'two']);
  });
});
