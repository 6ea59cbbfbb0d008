import { AudioFrame, AudioResampler, AudioResamplerQuality } from '@livekit/rtc-node';
import type { Pcm } from '@dh/contracts';

/** The avatar's voice: 48 kHz mono, in 20 ms frames (what Opus encodes without re-framing). */
export const VOICE_SAMPLE_RATE = 48_000;
export const FRAME_SAMPLES = 960;

/** s16le bytes as Int16 samples; copies only when the bytes are not 2-aligned in their buffer. */
export function toInt16(samples: Buffer): Int16Array {
  const count = Math.floor(samples.length / 2);
  if (samples.byteOffset % 2 === 0) return new Int16Array(samples.buffer, samples.byteOffset, count);
  const copy = new Int16Array(count);
  for (let i = 0; i < count; i += 1) copy[i] = samples.readInt16LE(i * 2);
  return copy;
}

/**
 * Resamples a sentence to 48 kHz and cuts it into 20 ms frames; the last frame is padded with silence so every
 * frame has the same size.
 */
export function* voiceFrames(pcm: Pcm): Generator<AudioFrame> {
  const input = toInt16(pcm.samples);
  if (input.length === 0) return;
  let resampled: Int16Array[];
  if (pcm.sampleRate === VOICE_SAMPLE_RATE) {
    resampled = [input];
  } else {
    const resampler = new AudioResampler(pcm.sampleRate, VOICE_SAMPLE_RATE, 1, AudioResamplerQuality.MEDIUM);
    try {
      const out = resampler.push(new AudioFrame(input, pcm.sampleRate, 1, input.length));
      out.push(...resampler.flush());
      resampled = out.map((frame) => frame.data);
    } finally {
      resampler.close();
    }
  }
  let pending = new Int16Array(FRAME_SAMPLES);
  let filled = 0;
  for (const chunk of resampled) {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(FRAME_SAMPLES - filled, chunk.length - offset);
      pending.set(chunk.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === FRAME_SAMPLES) {
        yield new AudioFrame(pending, VOICE_SAMPLE_RATE, 1, FRAME_SAMPLES);
        pending = new Int16Array(FRAME_SAMPLES);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield new AudioFrame(pending, VOICE_SAMPLE_RATE, 1, FRAME_SAMPLES);
}
