import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FRAME_SAMPLES, VOICE_SAMPLE_RATE, voiceFrames } from './pcm-frames.js';

/** RMS of each 20 ms block: the loudness envelope, which resampling keeps. */
function envelope(samples: Int16Array, rate: number): number[] {
  const block = Math.round(rate / 50);
  const out: number[] = [];
  for (let i = 0; i + block <= samples.length; i += block) {
    let sum = 0;
    for (let j = i; j < i + block; j += 1) sum += samples[j]! ** 2;
    out.push(Math.sqrt(sum / block));
  }
  return out;
}

function correlation(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  const mean = (x: number[]) => x.slice(0, n).reduce((s, v) => s + v, 0) / n;
  const [ma, mb] = [mean(a), mean(b)];
  let [ab, aa, bb] = [0, 0, 0];
  for (let i = 0; i < n; i += 1) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** A second of speech-like sound at 22 050 Hz: a tone whose loudness rises and falls like syllables. */
function syllables(rate: number): Int16Array {
  const out = new Int16Array(rate);
  for (let i = 0; i < rate; i += 1) {
    const t = i / rate;
    out[i] = Math.round(12_000 * Math.abs(Math.sin(Math.PI * 4 * t)) * Math.sin(2 * Math.PI * 300 * t));
  }
  return out;
}

test('a sentence stored inside a larger buffer (as Redis returns it) is resampled, not the buffer’s start', () => {
  const rate = 22_050;
  const speech = syllables(rate);
  // What ioredis gives: the blob's samples at some offset inside a bigger buffer holding other bytes first.
  const reply = Buffer.alloc(4_096 + speech.byteLength);
  Buffer.from(speech.buffer).copy(reply, 4_096);
  const samples = reply.subarray(4_096);

  const frames = [...voiceFrames({ sampleRate: rate, samples })];
  for (const frame of frames) assert.equal(frame.samplesPerChannel, FRAME_SAMPLES);
  const out = new Int16Array(frames.length * FRAME_SAMPLES);
  frames.forEach((frame, i) => out.set(frame.data, i * FRAME_SAMPLES));

  const heard = envelope(out, VOICE_SAMPLE_RATE);
  const meant = envelope(speech, rate);
  assert.ok(Math.max(...heard) > 5_000, 'the voice is loud, not silence');
  const r = correlation(heard, meant);
  assert.ok(r > 0.9, `the loudness follows the sentence's (correlation ${r.toFixed(2)})`);
});

test('48 kHz audio is framed as it is, the last frame padded with silence', () => {
  const samples = Buffer.alloc(2 * (FRAME_SAMPLES * 2 + 10));
  samples.writeInt16LE(1234, 0);
  const frames = [...voiceFrames({ sampleRate: VOICE_SAMPLE_RATE, samples })];
  assert.equal(frames.length, 3);
  assert.equal(frames[0]!.data[0], 1234);
  assert.equal(frames[2]!.data[10], 0);
});
