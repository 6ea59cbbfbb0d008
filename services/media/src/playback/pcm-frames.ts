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

/** Input fed to the resampler at a time: small, so the first frame is ready without converting the whole sentence. */
const RESAMPLE_CHUNK_MS = 20;

/** The sentence at 48 kHz, converted piece by piece as the frames are taken. */
function* resampled(pcm: Pcm): Generator<Int16Array> {
  const input = toInt16(pcm.samples);
  if (pcm.sampleRate === VOICE_SAMPLE_RATE) {
    yield input;
    return;
  }
  const resampler = new AudioResampler(pcm.sampleRate, VOICE_SAMPLE_RATE, 1, AudioResamplerQuality.MEDIUM);
  try {
    const step = Math.round((pcm.sampleRate * RESAMPLE_CHUNK_MS) / 1000);
    for (let offset = 0; offset < input.length; offset += step) {
      // A copy, not a view: rtc-node hands the native side the start of the frame's ArrayBuffer and ignores the
      // view's byteOffset, so a view into the sentence (itself a view into Redis's reply) would resample whatever
      // sits at the start of that buffer — the same few milliseconds, or silence, for every chunk.
      const chunk = input.slice(offset, Math.min(offset + step, input.length));
      for (const frame of resampler.push(new AudioFrame(chunk, pcm.sampleRate, 1, chunk.length))) yield frame.data;
    }
    for (const frame of resampler.flush()) yield frame.data;
  } finally {
    resampler.close();
  }
}

/**
 * Resamples a sentence to 48 kHz and cuts it into 20 ms frames; the last frame is padded with silence so every
 * frame has the same size.
 */
export function* voiceFrames(pcm: Pcm): Generator<AudioFrame> {
  let pending = new Int16Array(FRAME_SAMPLES);
  let filled = 0;
  for (const chunk of resampled(pcm)) {
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
