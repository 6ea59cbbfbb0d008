import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isRetryableStatus } from '@dh/runtime';
import { LlmHttpError, LlmTimeoutError } from './llm-errors.js';

describe('retry classification', () => {
  test('429, 500, 502, 503, 504 and time-outs are retried', () => {
    for (const status of [429, 500, 502, 503, 504]) {
      assert.equal(isRetryableStatus(status), true, String(status));
      assert.equal(new LlmHttpError(status, 'x').retryable, true);
    }
    assert.equal(new LlmTimeoutError('first_token', 10).retryable, true);
  });

  test('400, 401, 402, 403, 404 and 422 are not', () => {
    for (const status of [400, 401, 402, 403, 404, 422]) {
      assert.equal(isRetryableStatus(status), false, String(status));
      const error = new LlmHttpError(status, 'x');
      assert.equal(error.retryable, false);
      assert.equal(error.statusCode, status);
    }
  });
});
