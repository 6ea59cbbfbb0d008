import type { Pcm } from '@dh/contracts';
import { MPEGDecoder } from 'mpg123-decoder';

/** Float samples in [-1, 1] → s16le, clamped: decoded MP3 overshoots full scale near clipping. */
export function floatToS16le(samples: Float32Array, count = samples.length): Buffer {
  const out = Buffer.alloc(count * 2);
  for (let i = 0; i < count; i++) {
    const x = Math.max(-1, Math.min(1, samples[i] ?? 0));
    out.writeInt16LE(Math.round(x < 0 ? x * 32_768 : x * 32_767), i * 2);
  }
  return out;
}

/**
 * Whole MP3 streams to s16le mono PCM on one lazily created WASM mpg123 decoder, reset between streams so no
 * state (a partial frame, gapless info) carries from one sentence into the next. One stream at a time: a
 * `reset()` frees the decoder's memory and re-instantiates it asynchronously, so calls queue behind each other.
 * Reusing costs less than a decoder per sentence (see the engine's notes in edge.engine.ts).
 */
export class Mp3Decoder {
  private ready: Promise<MPEGDecoder> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  /** The first channel of the stream, or null when no frame in it decodes. */
  decode(mp3: Uint8Array): Promise<Pcm | null> {
    const run = this.queue.then(() => this.decodeNow(mp3));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Releases the WASM memory once queued streams are done; a later `decode` creates a decoder again. */
  async free(): Promise<void> {
    await this.queue;
    const ready = this.ready;
    this.ready = undefined;
    if (ready) (await ready).free();
  }

  private async decodeNow(mp3: Uint8Array): Promise<Pcm | null> {
    this.ready ??= newDecoder();
    let decoder: MPEGDecoder;
    try {
      decoder = await this.ready;
    } catch (error) {
      this.ready = undefined; // a failed instantiation or reset: start afresh next time
      throw error;
    }
    try {
      const { channelData, samplesDecoded, sampleRate } = decoder.decode(mp3);
      const [first] = channelData;
      if (!first || samplesDecoded === 0 || sampleRate === 0) return null;
      return { sampleRate, samples: floatToS16le(first, samplesDecoded) };
    } finally {
      this.ready = decoder.reset().then(() => decoder);
      // Surfaces, if it fails, at the next decode's await above.
      this.ready.catch(() => undefined);
    }
  }
}

async function newDecoder(): Promise<MPEGDecoder> {
  const decoder = new MPEGDecoder();
  await decoder.ready;
  return decoder;
}
