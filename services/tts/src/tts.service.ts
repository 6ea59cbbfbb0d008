import { Inject, Injectable } from '@nestjs/common';
import { type ServiceMetrics } from '@dh/observability';
import { CONFIG, METRICS } from '@dh/runtime';
import { AudioCache, audioKeyFor } from './audio-cache.js';
import { TTS_ENGINE } from './engines/engine.provider.js';
import type { FallbackChain } from './engines/fallback-chain.js';
import type { SentenceAudio } from './speech-publisher.js';
import type { TtsConfig } from './tts.config.js';

/** A sentence's audio, from the cache or freshly synthesized and stored. */
@Injectable()
export class TtsService {
  private readonly timeoutMs: number;

  constructor(
    @Inject(TTS_ENGINE) private readonly chain: FallbackChain,
    private readonly cache: AudioCache,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    @Inject(CONFIG) config: TtsConfig,
  ) {
    this.timeoutMs = config.TTS_TIMEOUT_MS;
  }

  /** The rate of the preferred engine's audio, for an event that has none. */
  get sampleRate(): number {
    return this.chain.sampleRate;
  }

  /**
   * Rejects with the engine's TtsError, or a Redis error. The cache is keyed by the engine that spoke: the
   * preferred engine's audio is looked up first, a fallback's only while the preferred engine is unhealthy.
   */
  async speak(text: string, signal?: AbortSignal): Promise<SentenceAudio & { audioKey: string }> {
    for (const engine of this.chain.lookupOrder()) {
      const audioKey = audioKeyFor(engine.name, engine.voiceKey(text), text);
      const cachedRate = await this.cache.touch(audioKey);
      if (cachedRate !== null) {
        this.metrics.ttsCache.inc({ result: 'hit' });
        return { audioKey, sampleRate: cachedRate, synthMs: 0 };
      }
    }
    this.metrics.ttsCache.inc({ result: 'miss' });
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const started = performance.now();
    const { pcm, engine } = await this.chain.speak(text, {
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const elapsedMs = performance.now() - started;
    this.metrics.ttsSynthesis.observe({ engine: engine.name }, elapsedMs / 1000);
    const audioKey = audioKeyFor(engine.name, engine.voiceKey(text), text);
    await this.cache.put(audioKey, pcm);
    // synthMs 0 means "from the cache" to media and the metrics; a real synthesis never reports it.
    return { audioKey, sampleRate: pcm.sampleRate, synthMs: Math.max(1, Math.round(elapsedMs)) };
  }
}
