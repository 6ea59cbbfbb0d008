import type { Provider } from '@nestjs/common';
import type { Logger, ServiceMetrics } from '@dh/observability';
import { CONFIG, LOGGER, METRICS } from '@dh/runtime';
import { type TtsConfig, type TtsEngineName, engineOrder } from '../tts.config.js';
import { EdgeEngine } from './edge.engine.js';
import { EspeakEngine } from './espeak.engine.js';
import { FallbackChain } from './fallback-chain.js';
import { OpenAiSpeechEngine } from './openai-speech.engine.js';
import type { TtsEngine } from './tts-engine.js';

/** Injection token of the FallbackChain the worker speaks with. */
export const TTS_ENGINE = Symbol('TTS_ENGINE');

export function createEngine(name: TtsEngineName, config: TtsConfig): TtsEngine {
  switch (name) {
    case 'espeak':
      return new EspeakEngine({
        bin: config.ESPEAK_BIN,
        voiceZh: config.ESPEAK_VOICE_ZH,
        voiceEn: config.ESPEAK_VOICE_EN,
        speedWpm: config.ESPEAK_SPEED_WPM,
      });
    case 'openai':
      // The config refuses openai without a base URL; this guards a hand-built config.
      if (!config.TTS_OPENAI_BASE_URL) throw new Error('TTS_OPENAI_BASE_URL is required for the openai engine');
      return new OpenAiSpeechEngine({
        baseUrl: config.TTS_OPENAI_BASE_URL,
        apiKey: config.TTS_OPENAI_API_KEY || undefined,
        model: config.TTS_OPENAI_MODEL,
        voice: config.TTS_OPENAI_VOICE,
        sampleRate: config.TTS_OPENAI_SAMPLE_RATE,
      });
    case 'edge':
      return new EdgeEngine({
        url: config.TTS_EDGE_URL,
        voiceZh: config.TTS_EDGE_VOICE,
        voiceEn: config.TTS_EDGE_VOICE_EN,
      });
  }
}

export function createChain(config: TtsConfig, metrics?: ServiceMetrics, logger?: Logger): FallbackChain {
  return new FallbackChain(
    engineOrder(config).map((name) => createEngine(name, config)),
    {
      attemptTimeoutMs: config.TTS_ENGINE_TIMEOUT_MS,
      failureThreshold: config.TTS_ENGINE_FAILURES,
      cooldownMs: config.TTS_ENGINE_COOLDOWN_MS,
      onFallback: ({ from, to, reason }) => {
        metrics?.ttsFallbacks.inc({ from, to });
        if (reason !== 'unhealthy') logger?.warn({ from, to, code: reason }, 'tts engine failed; the next one speaks');
      },
      onUnhealthy: (engine) =>
        logger?.warn(
          { engine, cooldownMs: config.TTS_ENGINE_COOLDOWN_MS },
          'tts engine unhealthy; skipped for a while',
        ),
    },
  );
}

export const engineProvider: Provider = {
  provide: TTS_ENGINE,
  useFactory: (config: TtsConfig, metrics: ServiceMetrics, logger: Logger) => createChain(config, metrics, logger),
  inject: [CONFIG, METRICS, LOGGER],
};
