import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProgress } from '../src/progress.js';

test('progress: rate and time left', () => {
  const line = formatProgress({ messages: 50_000, bytesRead: 25, totalBytes: 100 }, 2);
  assert.match(line, /50,000 DNS messages/);
  assert.match(line, /25,000\/s/);
  assert.match(line, /25%/);
  // A quarter done in 2 s leaves three quarters: 6 s.
  assert.match(line, /about 6 s left/);
});

test('progress: no estimate without sizes', () => {
  const line = formatProgress({ messages: 10 }, 1);
  assert.doesNotMatch(line, /left/);
});
