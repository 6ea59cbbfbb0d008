import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  MAX_RETRY_DELAY_MS,
  OpenAiSttEngine,
  isRetryableStatus,
  parseRetryAfterMs,
  retryDelayMs,
  transcriptionsUrl,
} from './openai-stt.engine.js';
import { SttError } from './stt-error.js';

describe('OpenAiSttEngine helpers', () => {
  test('the endpoint is appended to the base URL, with or without a trailing slash or /v1', () => {
    assert.equal(transcriptionsUrl('https://api.openai.com/v1'), 'https://api.openai.com/v1/audio/transcriptions');
    assert.equal(transcriptionsUrl('https://api.openai.com/v1/'), 'https://api.openai.com/v1/audio/transcriptions');
    assert.equal(transcriptionsUrl('http://127.0.0.1:9000'), 'http://127.0.0.1:9000/audio/transcriptions');
    assert.equal(transcriptionsUrl('http://127.0.0.1:9000//'), 'http://127.0.0.1:9000/audio/transcriptions');
  });

  test('408, 429 and 5xx are retried; other 4xx are not', () => {
    for (const status of [408, 429, 500, 502, 503, 504]) assert.equal(isRetryableStatus(status), true, String(status));
    for (const status of [400, 401, 403, 404, 413, 422]) assert.equal(isRetryableStatus(status), false, String(status));
  });

  test('Retry-After is read as seconds', () => {
    assert.equal(parseRetryAfterMs('1'), 1_000);
    assert.equal(parseRetryAfterMs(' 0.25 '), 250);
    assert.equal(parseRetryAfterMs('soon'), undefined);
    assert.equal(parseRetryAfterMs(''), undefined);
    assert.equal(parseRetryAfterMs(null), undefined);
  });

  test('full jitter: a uniform wait up to base * 2^(failures-1), capped at 5 s', () => {
    assert.equal(
      retryDelayMs(1, 200, undefined, () => 0.5),
      100,
    );
    assert.equal(
      retryDelayMs(3, 200, undefined, () => 0.5),
      400,
    );
    assert.equal(
      retryDelayMs(3, 200, undefined, () => 0),
      0,
    );
    assert.equal(
      retryDelayMs(30, 200, undefined, () => 0.999999),
      MAX_RETRY_DELAY_MS - 1,
    );
  });

  test('the service’s Retry-After wins over the backoff, up to 5 s', () => {
    assert.equal(
      retryDelayMs(1, 200, 1_000, () => 0),
      1_000,
    );
    assert.equal(
      retryDelayMs(1, 200, 60_000, () => 0),
      MAX_RETRY_DELAY_MS,
    );
  });

  test('options that cannot work are refused at construction', () => {
    const base = { baseUrl: 'http://127.0.0.1:1/v1', model: 'whisper-1' };
    assert.throws(() => new OpenAiSttEngine({ ...base, maxAttempts: 0 }), RangeError);
    assert.throws(() => new OpenAiSttEngine({ ...base, timeoutMs: 0 }), RangeError);
    assert.throws(() => new OpenAiSttEngine({ ...base, retryBaseMs: -1 }), RangeError);
  });

  test('an already aborted signal rejects before any request', async () => {
    // Port 1 would refuse; an `aborted` code shows no request was tried.
    const engine = new OpenAiSttEngine({ baseUrl: 'http://127.0.0.1:1/v1', model: 'whisper-1' });
    const audio = { pcm: new Int16Array(160), sampleRate: 16_000 };
    await assert.rejects(engine.transcribe(audio, { signal: AbortSignal.abort() }), (error: unknown) => {
      assert.ok(error instanceof SttError);
      assert.equal(error.code, 'aborted');
      assert.equal(error.retryable, false);
      return true;
    });
  });
});
