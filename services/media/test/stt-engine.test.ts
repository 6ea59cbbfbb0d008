import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { FakeStt } from '@dh/testing';
import { OpenAiSttEngine, type OpenAiSttOptions } from '../src/stt/openai-stt.engine.js';
import type { SttAudio } from '../src/stt/stt-engine.js';
import { SttError } from '../src/stt/stt-error.js';

const fake = new FakeStt();
before(() => fake.start());
after(() => fake.stop());
beforeEach(() => fake.reset());

function engine(overrides: Partial<OpenAiSttOptions> = {}): OpenAiSttEngine {
  return new OpenAiSttEngine(
    { baseUrl: fake.url, apiKey: 'sk-test', model: 'whisper-1', language: 'zh', retryBaseMs: 10, ...overrides },
    () => 0.5,
  );
}

/** 0.6 s of a 440 Hz tone at 16 kHz: 9 600 samples. */
function tone(sampleRate = 16_000, seconds = 0.6): SttAudio {
  const pcm = new Int16Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(8_000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate));
  return { pcm, sampleRate };
}

/** The SttError a call rejects with; fails the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<SttError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SttError, String(error));
    return error;
  }
  assert.fail('expected an SttError');
}

describe('OpenAiSttEngine against the fake STT server', () => {
  test('uploads a 16 kHz mono 16-bit WAV with model, language and the bearer key', async () => {
    const audio = tone();
    const result = await engine().transcribe(audio);
    assert.equal(result.text, '你好');
    assert.ok(result.durationMs >= 0);
    assert.equal(fake.requests.length, 1);
    const request = fake.requests[0]!;
    assert.equal(request.path, '/v1/audio/transcriptions');
    assert.equal(request.headers.authorization, 'Bearer sk-test');
    assert.deepEqual(request.fields, { model: 'whisper-1', language: 'zh', response_format: 'json' });
    assert.deepEqual(request.file && { field: request.file.field, filename: request.file.filename }, {
      field: 'file',
      filename: 'speech.wav',
    });
    assert.equal(request.file?.contentType, 'audio/wav');
    const wav = request.wav;
    assert.ok(wav, 'the file part is a readable WAV');
    assert.equal(wav.sampleRate, 16_000);
    assert.equal(wav.channels, 1);
    assert.equal(wav.bitsPerSample, 16);
    assert.equal(wav.samples.length, audio.pcm.length);
    assert.deepEqual(wav.samples, audio.pcm);
    assert.equal(wav.durationMs, 600);
  });

  test('trims the text and ignores extra fields', async () => {
    fake.enqueue({ raw: JSON.stringify({ text: '  今天天气怎么样？\n', language: 'zh', usage: { seconds: 1 } }) });
    const result = await engine().transcribe(tone());
    assert.equal(result.text, '今天天气怎么样？');
  });

  test('no key: no Authorization header, no language field when none is set', async () => {
    await engine({ apiKey: undefined, language: undefined }).transcribe(tone());
    const request = fake.requests[0]!;
    assert.equal(request.headers.authorization, undefined);
    assert.deepEqual(request.fields, { model: 'whisper-1', response_format: 'json' });
  });

  for (const [label, baseUrl] of [
    ['with a trailing slash', () => `${fake.url}/`],
    ['without /v1', () => fake.url.replace(/\/v1$/, '')],
  ] as const) {
    test(`a base URL ${label} works`, async () => {
      const result = await engine({ baseUrl: baseUrl() }).transcribe(tone());
      assert.equal(result.text, '你好');
      assert.equal(
        fake.requests[0]!.path,
        label === 'without /v1' ? '/audio/transcriptions' : '/v1/audio/transcriptions',
      );
    });
  }

  test('the default reply can answer according to the audio', async () => {
    fake.setDefault((request) => ((request.wav?.durationMs ?? 0) > 1_000 ? '长的' : '短的'));
    assert.equal((await engine().transcribe(tone(16_000, 0.5))).text, '短的');
    assert.equal((await engine().transcribe(tone(16_000, 1.5))).text, '长的');
  });

  test('500, 500, then success: the text after three requests', async () => {
    fake.enqueue({ error: 500 }, { error: 500 }, '好了');
    const result = await engine().transcribe(tone());
    assert.equal(result.text, '好了');
    assert.equal(fake.requests.length, 3);
  });

  test('always 503: an http error after maxAttempts requests, still marked retryable', async () => {
    fake.setDefault(() => ({ error: 503 }));
    const error = await failure(engine({ maxAttempts: 2 }).transcribe(tone()));
    assert.equal(error.code, 'http');
    assert.equal(error.statusCode, 503);
    assert.equal(error.retryable, true);
    assert.equal(fake.requests.length, 2);
  });

  test('429 with Retry-After: 1 waits about a second, then succeeds', async () => {
    fake.enqueue({ error: 429, message: 'Rate limit reached', retryAfterS: 1 }, '好的');
    const result = await engine({ retryBaseMs: 1 }).transcribe(tone());
    assert.equal(result.text, '好的');
    assert.equal(fake.requests.length, 2);
    const gap = fake.requests[1]!.at - fake.requests[0]!.at;
    assert.ok(gap >= 950, `waited ${gap} ms for a Retry-After of 1 s (the backoff alone would be under 1 ms)`);
    assert.ok(result.durationMs >= 950, `durationMs ${result.durationMs} covers the wait`);
  });

  for (const status of [400, 401, 403, 404, 413, 422]) {
    test(`${status} is final: one request, a non-retryable error`, async () => {
      fake.enqueue({ error: status, message: 'nope' }, '不该用到');
      const error = await failure(engine().transcribe(tone()));
      assert.equal(error.code, 'http');
      assert.equal(error.statusCode, status);
      assert.equal(error.retryable, false);
      assert.equal(fake.requests.length, 1);
    });
  }

  test('a server slower than timeoutMs: a timeout error after maxAttempts attempts', async () => {
    fake.setDefault(() => ({ delayMs: 5_000, text: '太晚了' }));
    const error = await failure(engine({ timeoutMs: 200, maxAttempts: 3 }).transcribe(tone()));
    assert.equal(error.code, 'timeout');
    assert.equal(error.retryable, true);
    assert.equal(fake.requests.length, 3);
  });

  test('a slow attempt is retried and the next one succeeds', async () => {
    fake.enqueue({ hang: true }, { delayMs: 20, text: '第二次' });
    const result = await engine({ timeoutMs: 300 }).transcribe(tone());
    assert.equal(result.text, '第二次');
    assert.equal(fake.requests.length, 2);
  });

  for (const [label, raw] of [
    ['not JSON', 'not json {'],
    ['JSON without text', '{"transcript":"你好"}'],
    ['JSON null', 'null'],
  ] as const) {
    test(`a 200 reply that is ${label}: bad_response, not retried`, async () => {
      fake.enqueue({ raw }, '不该用到');
      const error = await failure(engine().transcribe(tone()));
      assert.equal(error.code, 'bad_response');
      assert.equal(error.retryable, false);
      assert.equal(fake.requests.length, 1);
      assert.ok(!error.message.includes('你好'), 'the message does not quote the reply');
    });
  }

  test('the caller’s abort ends a hanging request at once, without retries', async () => {
    fake.setDefault(() => ({ hang: true }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await failure(engine({ timeoutMs: 30_000 }).transcribe(tone(), { signal: controller.signal }));
    assert.equal(error.code, 'aborted');
    assert.equal(error.retryable, false);
    assert.ok(Date.now() - started < 10_000, 'long before the 30 s time-out');
    assert.equal(fake.requests.length, 1);
  });

  test('an abort during the wait between attempts ends it at once', async () => {
    fake.enqueue({ error: 429, retryAfterS: 5 });
    const controller = new AbortController();
    const started = Date.now();
    const pending = engine().transcribe(tone(), { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    const error = await failure(pending);
    assert.equal(error.code, 'aborted');
    assert.ok(Date.now() - started < 4_000, 'before the 5 s Retry-After was over');
    assert.equal(fake.requests.length, 1);
  });

  test('a server that is down: a retryable network error', async () => {
    const down = await new FakeStt().start();
    const url = down.url;
    await down.stop();
    const error = await failure(engine({ baseUrl: url, maxAttempts: 2 }).transcribe(tone()));
    assert.equal(error.code, 'network');
    assert.equal(error.retryable, true);
    assert.equal(error.statusCode, undefined);
  });
});
