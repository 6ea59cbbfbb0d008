import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OpenAiSpeechEngine, speechUrl } from './openai-speech.engine.js';

void describe('OpenAiSpeechEngine', () => {
  void test('the endpoint is appended to the base URL, with or without a trailing slash', () => {
    assert.equal(speechUrl('https://api.siliconflow.cn/v1'), 'https://api.siliconflow.cn/v1/audio/speech');
    assert.equal(speechUrl('https://api.openai.com/v1/'), 'https://api.openai.com/v1/audio/speech');
  });

  void test('the voice key changes with model, voice, speed and rate, not with the language', () => {
    const key = (options: Partial<ConstructorParameters<typeof OpenAiSpeechEngine>[0]>) =>
      new OpenAiSpeechEngine({ baseUrl: 'http://127.0.0.1:9/v1', ...options }).voiceKey('你好');
    const keys = new Set([
      key({}),
      key({ model: 'tts-1' }),
      key({ voice: 'alloy' }),
      key({ speed: 1.2 }),
      key({ sampleRate: 16_000 }),
    ]);
    assert.equal(keys.size, 5);
    const engine = new OpenAiSpeechEngine({ baseUrl: 'http://127.0.0.1:9/v1' });
    assert.equal(engine.voiceKey('你好'), engine.voiceKey('Hello'));
    assert.equal(engine.sampleRate, 24_000);
    assert.equal(engine.name, 'openai');
  });

  void test('an aborted signal rejects without a request', async () => {
    const engine = new OpenAiSpeechEngine({ baseUrl: 'http://127.0.0.1:9/v1' });
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(engine.synthesize('x', { signal: controller.signal }), { code: 'aborted', retryable: false });
  });
});
