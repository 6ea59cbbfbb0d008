import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OpenAiSttEngine, transcriptionsUrl } from './openai-stt.engine.js';
import { SttError } from './stt-error.js';

describe('OpenAiSttEngine helpers', () => {
  test('the endpoint is appended to the base URL, with or without a trailing slash or /v1', () => {
    assert.equal(transcriptionsUrl('https://api.openai.com/v1'), 'https://api.openai.com/v1/audio/transcriptions');
    assert.equal(transcriptionsUrl('https://api.openai.com/v1/'), 'https://api.openai.com/v1/audio/transcriptions');
    assert.equal(transcriptionsUrl('http://127.0.0.1:9000'), 'http://127.0.0.1:9000/audio/transcriptions');
    assert.equal(transcriptionsUrl('http://127.0.0.1:9000//'), 'http://127.0.0.1:9000/audio/transcriptions');
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
