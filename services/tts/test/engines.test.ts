import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { loadConfig } from '@dh/config';
import { ServiceMetrics } from '@dh/observability';
import { FakeEdgeTts, FakeSpeech, waitFor } from '@dh/testing';
import { EdgeEngine } from '../src/engines/edge.engine.js';
import { createChain } from '../src/engines/engine.provider.js';
import { EspeakEngine } from '../src/engines/espeak.engine.js';
import { FallbackChain } from '../src/engines/fallback-chain.js';
import { OpenAiSpeechEngine } from '../src/engines/openai-speech.engine.js';
import { TtsError } from '../src/engines/tts-error.js';
import { ttsConfigSpec } from '../src/tts.config.js';
import { rms } from './tts-harness.js';

const TEXT = '你好，我是开心。';
const signal = (ms = 10_000) => AbortSignal.timeout(ms);

/** The counter's value for exactly these labels (0 when it has none). */
async function fallbacks(metrics: ServiceMetrics, from: string, to: string): Promise<number> {
  const { values } = await metrics.ttsFallbacks.get();
  return values.find((v) => v.labels.from === from && v.labels.to === to)?.value ?? 0;
}

void describe('openai engine against a fake /audio/speech', () => {
  const fake = new FakeSpeech();
  before(async () => {
    await fake.start();
  });
  beforeEach(() => fake.reset());
  after(async () => {
    await fake.stop();
  });

  void test('raw pcm at the asked rate, with the request fields and the bearer key', async () => {
    const engine = new OpenAiSpeechEngine({ baseUrl: fake.url, apiKey: 'sk-test', sampleRate: 16_000 });
    fake.enqueue({ tone: true, durationMs: 750 });
    const pcm = await engine.synthesize(TEXT, { signal: signal() });
    assert.equal(pcm.sampleRate, 16_000);
    assert.equal(pcm.samples.length, 16_000 * 0.75 * 2);
    assert.ok(rms(pcm.samples) > 1_000, 'a tone, not silence');
    const [request] = fake.requests;
    assert.equal(request?.path, '/v1/audio/speech');
    assert.equal(request.headers.authorization, 'Bearer sk-test');
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(request.body, {
      model: 'FunAudioLLM/CosyVoice2-0.5B',
      input: TEXT,
      voice: 'FunAudioLLM/CosyVoice2-0.5B:anna',
      response_format: 'pcm',
      sample_rate: 16_000,
    });
  });

  void test('no key, no Authorization header; speed is sent when set', async () => {
    const engine = new OpenAiSpeechEngine({ baseUrl: fake.url, model: 'tts-1', voice: 'nova', speed: 1.25 });
    await engine.synthesize('Hello.', { signal: signal() });
    assert.equal(fake.requests[0]?.headers.authorization, undefined);
    assert.equal(fake.requests[0]?.body?.speed, 1.25);
    assert.equal(fake.requests[0]?.body?.voice, 'nova');
  });

  void test('a WAV body is read by its content type, at the rate in its header', async () => {
    const engine = new OpenAiSpeechEngine({ baseUrl: fake.url });
    fake.enqueue({ tone: true, format: 'wav', sampleRate: 22_050, durationMs: 200 });
    const pcm = await engine.synthesize(TEXT, { signal: signal() });
    assert.equal(pcm.sampleRate, 22_050);
    assert.equal(pcm.samples.length, 22_050 * 0.2 * 2);
  });

  void test('500 is a retryable error, 401 is not, and neither message holds the text', async () => {
    const engine = new OpenAiSpeechEngine({ baseUrl: fake.url });
    fake.enqueue({ error: 500, message: `boom: ${TEXT}` }, { error: 401 }, { error: 429 });
    await assert.rejects(engine.synthesize(TEXT, { signal: signal() }), (error) => {
      assert.ok(error instanceof TtsError);
      assert.equal(error.code, 'engine_failed');
      assert.equal(error.retryable, true);
      assert.equal(error.statusCode, 500);
      assert.ok(!error.message.includes(TEXT), error.message);
      return true;
    });
    await assert.rejects(engine.synthesize(TEXT, { signal: signal() }), {
      code: 'engine_failed',
      retryable: false,
      statusCode: 401,
      message: 'speech service answered 401 (invalid_api_key)',
    });
    await assert.rejects(engine.synthesize(TEXT, { signal: signal() }), { retryable: true, statusCode: 429 });
  });

  void test('an empty body is empty_output; a hang ends with the signal as a time-out', async () => {
    const engine = new OpenAiSpeechEngine({ baseUrl: fake.url });
    fake.enqueue({ raw: Buffer.alloc(0), contentType: 'audio/pcm' }, { hang: true });
    await assert.rejects(engine.synthesize(TEXT, { signal: signal() }), { code: 'empty_output', retryable: false });
    await assert.rejects(engine.synthesize(TEXT, { signal: signal(200) }), { code: 'timeout', retryable: true });
  });

  void test('a service that is not there is unavailable and retryable', async () => {
    const gone = await new FakeSpeech().start();
    const url = gone.url;
    await gone.stop();
    const engine = new OpenAiSpeechEngine({ baseUrl: url });
    await assert.rejects(engine.synthesize(TEXT, { signal: signal() }), { code: 'unavailable', retryable: true });
  });
});

void describe('edge engine against a fake read-aloud WebSocket', () => {
  const fake = new FakeEdgeTts();
  before(async () => {
    await fake.start();
  });
  beforeEach(() => fake.reset());
  after(async () => {
    await fake.stop();
  });

  void test('Chinese text gets Xiaoxiao, MP3 is asked for and its frames decode to 24 kHz PCM', async () => {
    const engine = new EdgeEngine({ url: fake.url });
    fake.enqueue({ audio: true, frames: 5 });
    const pcm = await engine.synthesize(TEXT, { signal: signal() });
    assert.equal(pcm.sampleRate, 24_000);
    // 1 s of tone; MP3 adds the encoder's delay and pads to whole 576-sample frames.
    const seconds = pcm.samples.length / 2 / 24_000;
    assert.ok(seconds > 0.95 && seconds < 1.1, `${seconds} s`);
    // The fixture's sine has amplitude 10 000: RMS ~7 070.
    assert.ok(rms(pcm.samples) > 5_000, `rms ${rms(pcm.samples)}`);
    const [request] = fake.requests;
    assert.ok(request);
    assert.equal(request.path, '/consumer/speech/synthesize/readaloud/edge/v1');
    assert.equal(request.query.TrustedClientToken, '6A5AA1D4EAFF4E9FB37E23D68491D6F4');
    assert.match(request.query['Sec-MS-GEC'] ?? '', /^[0-9A-F]{64}$/);
    assert.match(request.query.ConnectionId ?? '', /^[0-9a-f]{32}$/);
    assert.equal(request.headers.origin, 'chrome-extension://jdiccldimpdaibmpdkjnbmckianbfold');
    assert.equal(request.outputFormat, 'audio-24khz-48kbitrate-mono-mp3');
    assert.equal(request.voice, 'Microsoft Server Speech Text to Speech Voice (zh-CN, XiaoxiaoNeural)');
    assert.equal(request.text, TEXT);
  });

  void test('English text gets the English voice', async () => {
    const engine = new EdgeEngine({ url: fake.url, voiceEn: 'en-US-GuyNeural' });
    await engine.synthesize('Tom & Jerry say hi.', { signal: signal() });
    assert.equal(fake.requests[0]?.voice, 'Microsoft Server Speech Text to Speech Voice (en-US, GuyNeural)');
    assert.equal(fake.requests[0]?.text, 'Tom & Jerry say hi.');
  });

  void test('one decoder serves many sentences, in turn and at once', async () => {
    const engine = new EdgeEngine({ url: fake.url });
    const lengths = await Promise.all([1, 2, 3].map(() => engine.synthesize(TEXT, { signal: signal() })));
    const next = await engine.synthesize(TEXT, { signal: signal() });
    for (const pcm of [...lengths, next]) assert.equal(pcm.samples.length, lengths[0]?.samples.length);
  });

  void test('bytes that are not MP3 are bad output, not noise', async () => {
    const engine = new EdgeEngine({ url: fake.url });
    const garbage = Buffer.from('this is not an mp3 stream at all. '.repeat(200));
    fake.enqueue({ audio: true, bytes: garbage }, { audio: true });
    await assert.rejects(engine.synthesize(TEXT, { signal: signal() }), { code: 'bad_output', retryable: false });
    const pcm = await engine.synthesize(TEXT, { signal: signal() });
    assert.ok(rms(pcm.samples) > 5_000, 'the decoder recovers for the next sentence');
  });

  void test('a refused handshake, another format, an early close and no audio are typed errors', async () => {
    const engine = new EdgeEngine({ url: fake.url });
    fake.enqueue(
      { reject: 403 },
      { audio: true, contentType: 'audio/webm; codec=opus' },
      { close: true },
      { noAudio: true },
      { reject: 503 },
    );
    await assert.rejects(engine.synthesize(TEXT, { signal: signal() }), {
      code: 'engine_failed',
      statusCode: 403,
      retryable: false,
    });
    await assert.rejects(engine.synthesize(TEXT, { signal: signal() }), { code: 'bad_output', retryable: false });
    await assert.rejects(engine.synthesize(TEXT, { signal: signal() }), { code: 'engine_failed', retryable: true });
    await assert.rejects(engine.synthesize(TEXT, { signal: signal() }), { code: 'empty_output', retryable: false });
    await assert.rejects(engine.synthesize(TEXT, { signal: signal() }), { statusCode: 503, retryable: true });
  });

  void test('a hanging service ends with the signal', async () => {
    const engine = new EdgeEngine({ url: fake.url });
    fake.enqueue({ hang: true });
    const controller = new AbortController();
    const pending = engine.synthesize(TEXT, { signal: controller.signal });
    await waitFor('the SSML to arrive', async () => (fake.requests[0]?.ssml ? true : undefined));
    controller.abort();
    await assert.rejects(pending, { code: 'aborted', retryable: false });
  });
});

void describe('fallback chain over real engines', () => {
  const fake = new FakeSpeech();
  before(async () => {
    await fake.start();
  });
  beforeEach(() => fake.reset());
  after(async () => {
    await fake.stop();
  });

  void test('with openai down, espeak speaks and dh_tts_fallbacks_total{openai→espeak} counts it', async () => {
    const gone = await new FakeSpeech().start();
    const url = gone.url;
    await gone.stop();
    const metrics = new ServiceMetrics('tts');
    const chain = createChain(loadConfig(ttsConfigSpec, { TTS_ENGINE: 'openai', TTS_OPENAI_BASE_URL: url }), metrics);
    assert.deepEqual(
      chain.engines.map((e) => e.name),
      ['openai', 'espeak'],
    );
    const spoken = await chain.speak(TEXT, { signal: signal() });
    assert.equal(spoken.engine.name, 'espeak');
    assert.equal(spoken.pcm.sampleRate, 22_050);
    assert.ok(rms(spoken.pcm.samples) > 500);
    assert.equal(await fallbacks(metrics, 'openai', 'espeak'), 1);
    const exposition = await metrics.registry.metrics();
    assert.match(exposition, /dh_tts_fallbacks_total\{from="openai",to="espeak",service="tts"\} 1/);
  });

  void test('an unhealthy engine is skipped during the cool-down and tried again after it', async () => {
    let now = 0;
    const events: string[] = [];
    const chain = new FallbackChain([new OpenAiSpeechEngine({ baseUrl: fake.url }), new EspeakEngine()], {
      failureThreshold: 2,
      cooldownMs: 60_000,
      now: () => now,
      onFallback: ({ from, to, reason }) => events.push(`${from}>${to}:${reason}`),
    });
    fake.enqueue({ error: 503 }, { error: 502 });
    assert.equal((await chain.speak('一', { signal: signal() })).engine.name, 'espeak');
    assert.equal((await chain.speak('二', { signal: signal() })).engine.name, 'espeak');
    assert.equal(fake.requests.length, 2);

    now += 59_999;
    assert.equal((await chain.speak('三', { signal: signal() })).engine.name, 'espeak');
    assert.equal(fake.requests.length, 2, 'not asked during the cool-down');

    now += 1;
    const trial = await chain.speak('四', { signal: signal() });
    assert.equal(trial.engine.name, 'openai');
    assert.equal(trial.pcm.sampleRate, 24_000);
    assert.equal(fake.requests.length, 3);
    assert.equal(fake.requests[2]?.body?.input, '四');
    assert.deepEqual(events, ['openai>espeak:engine_failed', 'openai>espeak:engine_failed', 'openai>espeak:unhealthy']);
  });

  void test('an aborted synthesis does not fall back', async () => {
    const metrics = new ServiceMetrics('tts');
    const chain = createChain(
      loadConfig(ttsConfigSpec, { TTS_ENGINE: 'openai', TTS_OPENAI_BASE_URL: fake.url }),
      metrics,
    );
    fake.enqueue({ hang: true });
    const controller = new AbortController();
    const pending = chain.speak(TEXT, { signal: controller.signal });
    await waitFor('the request to arrive', async () => (fake.requests.length > 0 ? true : undefined));
    controller.abort();
    await assert.rejects(pending, { code: 'aborted', retryable: false });
    assert.equal(await fallbacks(metrics, 'openai', 'espeak'), 0);
    assert.equal(chain.isHealthy('openai'), true);
  });

  void test('edge, then openai, then espeak: each failure hands on to the next', async () => {
    const edge = await new FakeEdgeTts().start();
    try {
      const metrics = new ServiceMetrics('tts');
      const config = loadConfig(ttsConfigSpec, {
        TTS_ENGINE: 'edge',
        TTS_EDGE_URL: edge.url,
        TTS_OPENAI_BASE_URL: fake.url,
      });
      const chain = createChain(config, metrics);
      edge.enqueue({ reject: 403 });
      fake.enqueue({ error: 500 });
      const spoken = await chain.speak(TEXT, { signal: signal() });
      assert.equal(spoken.engine.name, 'espeak');
      assert.equal(await fallbacks(metrics, 'edge', 'openai'), 1);
      assert.equal(await fallbacks(metrics, 'openai', 'espeak'), 1);
      const next = await chain.speak(TEXT, { signal: signal() });
      assert.equal(next.engine.name, 'edge', 'one failure does not make an engine unhealthy');
    } finally {
      await edge.stop();
    }
  });
});
