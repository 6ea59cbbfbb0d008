/** Mono 16-bit PCM as captured from a guest's microphone track. */
export interface SttAudio {
  pcm: Int16Array;
  sampleRate: number;
}

export interface SttResult {
  /** The recognised text, trimmed; empty when nothing was said. */
  text: string;
  /** Wall time of the whole `transcribe` call, retries and their waits included. */
  durationMs: number;
}

export interface TranscribeOptions {
  /** Aborting rejects at once with an SttError of code `aborted`; nothing is retried after it. */
  signal?: AbortSignal;
}

/**
 * One speech-to-text engine. Rejects with an SttError, whose messages never contain what was said (or with a
 * RangeError for audio that cannot be encoded at all, which is a bug in the caller).
 */
export interface SttEngine {
  /** Short stable name, for metric labels and logs. */
  readonly name: string;
  transcribe(audio: SttAudio, options?: TranscribeOptions): Promise<SttResult>;
}
