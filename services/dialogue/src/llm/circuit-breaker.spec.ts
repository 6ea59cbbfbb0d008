import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CircuitBreaker } from './circuit-breaker.js';

function breaker(threshold = 3, cooldownMs = 1_000) {
  const clock = { now: 0 };
  return { clock, breaker: new CircuitBreaker({ threshold, cooldownMs, now: () => clock.now }) };
}

describe('CircuitBreaker', () => {
  test('opens after `threshold` consecutive failures', () => {
    const { breaker: b } = breaker(3);
    for (let i = 0; i < 2; i++) {
      assert.equal(b.tryAcquire(), true);
      b.recordFailure();
    }
    assert.equal(b.state, 'closed');
    assert.equal(b.tryAcquire(), true);
    b.recordFailure();
    assert.equal(b.state, 'open');
    assert.equal(b.tryAcquire(), false);
  });

  test('a success in between resets the count', () => {
    const { breaker: b } = breaker(2);
    b.recordFailure();
    b.recordSuccess();
    b.recordFailure();
    assert.equal(b.state, 'closed');
  });

  test('after the cool-down one trial goes through; its success closes the circuit', () => {
    const { clock, breaker: b } = breaker(1, 1_000);
    b.recordFailure();
    clock.now = 999;
    assert.equal(b.tryAcquire(), false);
    clock.now = 1_000;
    assert.equal(b.tryAcquire(), true);
    assert.equal(b.state, 'half_open');
    assert.equal(b.tryAcquire(), false, 'only one trial at a time');
    b.recordSuccess();
    assert.equal(b.state, 'closed');
    assert.equal(b.tryAcquire(), true);
  });

  test('a failed trial opens the circuit for another cool-down', () => {
    const { clock, breaker: b } = breaker(3, 1_000);
    for (let i = 0; i < 3; i++) b.recordFailure();
    clock.now = 1_500;
    assert.equal(b.tryAcquire(), true);
    b.recordFailure();
    assert.equal(b.state, 'open');
    clock.now = 2_000;
    assert.equal(b.tryAcquire(), false);
    clock.now = 2_500;
    assert.equal(b.tryAcquire(), true);
  });

  test('an abandoned trial lets the next call try', () => {
    const { clock, breaker: b } = breaker(1, 10);
    b.recordFailure();
    clock.now = 10;
    assert.equal(b.tryAcquire(), true);
    b.recordAbandoned();
    assert.equal(b.tryAcquire(), true);
  });
});
