import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  MAX_RETRY_DELAY_MS,
  backoffDelayMs,
  isRetryableStatus,
  parseRetryAfterMs,
  retryDelayMs,
} from './retry-policy.js';

const headers = (values: Record<string, string>) => new Headers(values);

describe('retry policy', () => {
  test('408, 429 and 5xx are retried; other 4xx are not', () => {
    for (const status of [408, 429, 500, 502, 503, 504]) assert.equal(isRetryableStatus(status), true, String(status));
    for (const status of [400, 401, 402, 403, 404, 413, 422])
      assert.equal(isRetryableStatus(status), false, String(status));
  });

  test('full jitter: a uniform wait up to base * 2^(failures-1), capped', () => {
    assert.equal(
      backoffDelayMs(1, 300, () => 0.999999),
      299,
    );
    assert.equal(
      backoffDelayMs(2, 300, () => 0.5),
      300,
    );
    assert.equal(
      backoffDelayMs(3, 300, () => 0.5),
      600,
    );
    assert.equal(
      backoffDelayMs(3, 300, () => 0),
      0,
    );
    assert.equal(
      backoffDelayMs(20, 300, () => 0.999999),
      MAX_RETRY_DELAY_MS - 1,
    );
    assert.equal(
      retryDelayMs(1, 200, undefined, () => 0.5),
      100,
    );
    assert.equal(
      retryDelayMs(30, 200, undefined, () => 0.999999),
      MAX_RETRY_DELAY_MS - 1,
    );
  });

  test('Retry-After in seconds, milliseconds or as a date', () => {
    assert.equal(parseRetryAfterMs(headers({ 'retry-after': '1' })), 1_000);
    assert.equal(parseRetryAfterMs(headers({ 'retry-after': '2' })), 2_000);
    assert.equal(parseRetryAfterMs(headers({ 'retry-after': ' 0.25 ' })), 250);
    assert.equal(parseRetryAfterMs(headers({ 'retry-after-ms': '150', 'retry-after': '9' })), 150);
    const now = Date.parse('2026-11-01T00:00:00Z');
    assert.equal(parseRetryAfterMs(headers({ 'retry-after': 'Sun, 01 Nov 2026 00:00:03 GMT' }), now), 3_000);
    assert.equal(parseRetryAfterMs(headers({ 'retry-after': 'soon' })), undefined);
    assert.equal(parseRetryAfterMs(headers({ 'retry-after': '' })), undefined);
    assert.equal(parseRetryAfterMs(headers({})), undefined);
    assert.equal(parseRetryAfterMs(undefined), undefined);
  });

  test('the provider’s wait is honoured up to 5 s, else the backoff applies', () => {
    assert.equal(
      retryDelayMs(1, 300, 1_200, () => 0),
      1_200,
    );
    assert.equal(
      retryDelayMs(1, 300, 60_000, () => 0),
      MAX_RETRY_DELAY_MS,
    );
    assert.equal(
      retryDelayMs(2, 300, undefined, () => 0.5),
      300,
    );
  });
});
