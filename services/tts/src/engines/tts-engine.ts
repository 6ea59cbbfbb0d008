import type { Pcm } from '@dh/contracts';

export interface SynthesizeOptions {
  /** Aborts the synthesis (job cancelled, time-out); the engine stops its work and rejects with a TtsError. */
  signal: AbortSignal;
}

/**
 * One text-to-speech engine. The voice issue adds `edge` and `openai` behind this interface and a fallback
 * chain over several of them; the worker and the cache know nothing else about an engine.
 */
export interface TtsEngine {
  /** Short stable name: the `engine` metric label and the first part of the cache key. */
  readonly name: string;
  /** The rate this engine normally produces; used for an event whose synthesis failed (no audio to read it from). */
  readonly sampleRate: number;
  /**
   * Everything besides the text that changes the sound for this text (voice, speed), e.g. `cmn|175`. Two
   * calls with equal `voiceKey` and text must give interchangeable audio: it is part of the cache key.
   */
  voiceKey(text: string): string;
  /** s16le mono PCM of the spoken text. Rejects with a TtsError. */
  synthesize(text: string, options: SynthesizeOptions): Promise<Pcm>;
}
