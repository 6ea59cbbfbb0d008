import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeAudioBlob } from '@dh/contracts';
import { FakeSpeech, waitFor } from '@dh/testing';
import { TtsHarness, rms, sentenceJob } from './tts-harness.js';

void describe('tts service with TTS_ENGINE=openai and the service failing', () => {
  const fake = new FakeSpeech();
  let tts: TtsHarness;

  before(async () => {
    await fake.start();
    fake.setDefault(() => ({ error: 503 }));
    // One failure makes openai unhealthy, so the cache test below sees the fallback's audio looked up.
    tts = await TtsHarness.start({
      TTS_ENGINE: 'openai',
      TTS_OPENAI_BASE_URL: fake.url,
      TTS_ENGINE_FAILURES: '1',
    });
  });
  after(async () => {
    await tts?.stop();
    await fake.stop();
  });

  void test('a queued sentence still gets audio, from espeak, and /metrics shows the fallback', async () => {
    const job = sentenceJob({ text: '远程语音坏了也能说话。' });
    await tts.add(job);
    const [event] = await tts.waitForSentences(job.turnId, 1);
    assert.ok(event?.audioKey, 'audio present');
    assert.equal(event.sampleRate, 22_050, 'espeak’s rate');
    const blob = await tts.audio(event.audioKey);
    assert.ok(blob);
    assert.ok(rms(decodeAudioBlob(blob).samples) > 500, 'voiced');
    assert.equal(fake.requests.length, 1, 'openai was asked first');
    assert.equal(fake.requests[0]?.body?.input, job.text);
    await waitFor('the fallback on /metrics', async () =>
      (await tts.metric('dh_tts_fallbacks_total', { from: 'openai', to: 'espeak' })) >= 1 ? true : undefined,
    );
    assert.equal(await tts.metric('dh_tts_synthesis_seconds_count', { engine: 'espeak' }), 1);
    assert.equal(await tts.metric('dh_tts_synthesis_seconds_count', { engine: 'openai' }), 0);
    assert.equal(await tts.metric('dh_tts_jobs_total', { result: 'ok' }), 1);
  });

  void test('while openai is unhealthy the same sentence comes from espeak’s cached audio', async () => {
    const text = '远程语音坏了也能说话。';
    const [first] = (await tts.sentences()).filter((e) => e.text === text);
    assert.ok(first?.audioKey);
    const requestsBefore = fake.requests.length;
    const again = sentenceJob({ text });
    await tts.add(again);
    const [cached] = await tts.waitForSentences(again.turnId, 1);
    assert.equal(cached?.audioKey, first.audioKey);
    assert.equal(cached.synthMs, 0);
    assert.equal(fake.requests.length, requestsBefore, 'openai is in its cool-down');
  });
});

void describe('tts service with TTS_ENGINE=openai and the service working', () => {
  const fake = new FakeSpeech();
  let tts: TtsHarness;

  before(async () => {
    await fake.start();
    tts = await TtsHarness.start({
      TTS_ENGINE: 'openai',
      TTS_OPENAI_BASE_URL: fake.url,
      TTS_OPENAI_SAMPLE_RATE: '16000',
      TTS_OPENAI_API_KEY: 'sk-e2e',
    });
  });
  after(async () => {
    await tts?.stop();
    await fake.stop();
  });

  void test('openai speaks at its rate, and nothing falls back', async () => {
    const job = sentenceJob({ text: '今天天气很好！' });
    await tts.add(job);
    const [event] = await tts.waitForSentences(job.turnId, 1);
    assert.ok(event?.audioKey);
    assert.equal(event.sampleRate, 16_000);
    const blob = await tts.audio(event.audioKey);
    assert.equal(blob && decodeAudioBlob(blob).sampleRate, 16_000);
    assert.equal(fake.requests[0]?.headers.authorization, 'Bearer sk-e2e');
    assert.equal(await tts.metric('dh_tts_synthesis_seconds_count', { engine: 'openai' }), 1);
    assert.equal(await tts.metric('dh_tts_fallbacks_total'), 0);
  });
});
