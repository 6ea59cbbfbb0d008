import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WindowCounter } from './window-counter.js';

test('allows `limit` hits per window, refuses the rest, and starts again with the next window', () => {
  const counter = new WindowCounter(3, 10_000);
  assert.deepEqual(
    [0, 1, 2, 3, 9_999].map((t) => counter.hit(t)),
    [true, true, true, false, false],
  );
  assert.equal(counter.hit(10_000), true);
  assert.equal(counter.hit(10_001), true);
  assert.equal(counter.hit(10_002), true);
  assert.equal(counter.hit(10_003), false);
});
