import { Inject, Injectable } from '@nestjs/common';
import { type ServiceMetrics } from '@dh/observability';
import { CONFIG, METRICS } from '@dh/runtime';
import { AudioCache, audioKeyFor } from './audio-cache.js';
import { TTS_ENGINE } from './engines/engine.provider.js';
import type { TtsEngine } from './engines/tts-engine.js';
import type { SentenceAudio } from './speech-publisher.js';
import type { TtsConfig } from './tts.config.js';

/** A sentence's audio, from the cache or freshly synthesized and stored. */
@Injectable()
export class TtsService {
  private readonly timeoutMs: number;

  constructor(
    @Inject(TTS_ENGINE) private readonly engine: TtsEngine,
    private readonly cache: AudioCache,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    @Inject(CONFIG) config: TtsConfig,
  ) {
    this.timeoutMs = config.TTS_TIMEOUT_MS;
  }

  /** The rate of the engine's audio, for an event that has none. */
  get sampleRate(): number {
    return this.engine.sampleRate;
  }

  /** Rejects with the engine's TtsError, or a Redis error. */
  async speak(text: string, signal?: AbortSignal): Promise<SentenceAudio & { audioKey: string }> {
    const audioKey = audioKeyFor(this.engine.name, this.engine.voiceKey(text), text);
    const cachedRate = await this.cache.touch(audioKey);
    if (cachedRate !== null) {
      this.metrics.ttsCache.inc({ result: 'hit' });
      return { audioKey, sampleRate: cachedRate, synthMs: 0 };
    }
    this.metrics.ttsCache.inc({ result: 'miss' });
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const started = performance.now();
    const pcm = await this.engine.synthesize(text, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    const elapsedMs = performance.now() - started;
    this.metrics.ttsSynthesis.observe({ engine: this.engine.name }, elapsedMs / 1000);
    await this.cache.put(audioKey, pcm);
    // synthMs 0 means "from the cache" to media and the metrics; a real synthesis never reports it.
    return { audioKey, sampleRate: pcm.sampleRate, synthMs: Math.max(1, Math.round(elapsedMs)) };
  }
}
