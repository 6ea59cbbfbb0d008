import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineHealth } from './engine-health.js';

function clocked(options: { failureThreshold?: number; cooldownMs?: number } = {}) {
  let now = 1_000;
  const health = new EngineHealth({ ...options, now: () => now });
  return { health, advance: (ms: number) => (now += ms) };
}

void describe('EngineHealth', () => {
  void test('stays healthy until the threshold of failures in a row', () => {
    const { health } = clocked({ failureThreshold: 3 });
    health.failed();
    health.failed();
    assert.equal(health.healthy, true);
    assert.equal(health.tryAcquire(), true);
    health.failed();
    assert.equal(health.healthy, false);
    assert.equal(health.tryAcquire(), false);
  });

  void test('a success in between starts the count again', () => {
    const { health } = clocked({ failureThreshold: 2 });
    health.failed();
    health.succeeded();
    health.failed();
    assert.equal(health.healthy, true);
  });

  void test('after the cool-down exactly one trial goes through; its success closes the breaker', () => {
    const { health, advance } = clocked({ failureThreshold: 1, cooldownMs: 60_000 });
    health.failed();
    advance(59_999);
    assert.equal(health.tryAcquire(), false);
    advance(1);
    assert.equal(health.healthy, true);
    assert.equal(health.tryAcquire(), true, 'the trial');
    assert.equal(health.tryAcquire(), false, 'others wait for the trial');
    health.succeeded();
    assert.equal(health.tryAcquire(), true);
    assert.equal(health.tryAcquire(), true);
  });

  void test('a failed trial opens it for another full cool-down', () => {
    const { health, advance } = clocked({ failureThreshold: 3, cooldownMs: 1_000 });
    for (let i = 0; i < 3; i++) health.failed();
    advance(1_000);
    assert.equal(health.tryAcquire(), true);
    health.failed();
    advance(999);
    assert.equal(health.tryAcquire(), false);
    advance(1);
    assert.equal(health.tryAcquire(), true);
  });

  void test('a released trial frees the slot without changing the state', () => {
    const { health, advance } = clocked({ failureThreshold: 1, cooldownMs: 10 });
    health.failed();
    advance(10);
    assert.equal(health.tryAcquire(), true);
    health.released();
    assert.equal(health.tryAcquire(), true);
  });

  void test('rejects nonsense options', () => {
    assert.throws(() => new EngineHealth({ failureThreshold: 0 }), RangeError);
    assert.throws(() => new EngineHealth({ cooldownMs: -1 }), RangeError);
  });
});
