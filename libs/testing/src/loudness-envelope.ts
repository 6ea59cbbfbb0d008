import type { TestAudio } from './speech-audio.js';

/** RMS of each `blockMs` block: the loudness envelope of speech, which codecs and resampling keep. */
export function loudnessEnvelope(audio: TestAudio, blockMs = 10): number[] {
  const block = Math.round((audio.sampleRate * blockMs) / 1000);
  const out: number[] = [];
  for (let i = 0; i + block <= audio.pcm.length; i += block) {
    let sum = 0;
    for (let j = i; j < i + block; j += 1) sum += audio.pcm[j]! ** 2;
    out.push(Math.sqrt(sum / block));
  }
  return out;
}

function correlation(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  if (n < 2) return 0;
  let [ma, mb] = [0, 0];
  for (let i = 0; i < n; i += 1) [ma, mb] = [ma + a[i]! / n, mb + b[i]! / n];
  let [ab, aa, bb] = [0, 0, 0];
  for (let i = 0; i < n; i += 1) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/**
 * How alike two loudness envelopes are: the best correlation of `heard` against `meant` shifted by up to
 * `maxLag` blocks either way (what was heard starts a little earlier or later than it was cut). Speech against
 * the same speech is near 1; against noise, a tone or a repeated snippet it is near 0.
 */
export function envelopeLikeness(heard: number[], meant: number[], maxLag = 20): number {
  let best = -1;
  for (let lag = -maxLag; lag <= maxLag; lag += 1) {
    const a = lag >= 0 ? heard.slice(lag) : heard;
    const b = lag >= 0 ? meant : meant.slice(-lag);
    best = Math.max(best, correlation(a, b.slice(0, a.length)));
  }
  return best;
}
