import type { Pcm } from '@dh/contracts';

export interface TrimOptions {
  /** Digital silence kept after the last sound, so consecutive sentences keep a natural pause. Default 150. */
  keepTailMs?: number;
}

/**
 * Drops leading digital silence (exact zero samples: every millisecond of it delays the first audible frame)
 * and shortens trailing silence to `keepTailMs`. All-silent input gives no samples. Returns views, no copies.
 */
export function trimSilence(pcm: Pcm, options: TrimOptions = {}): Pcm {
  const { samples } = pcm;
  const count = Math.floor(samples.length / 2);
  let first = 0;
  while (first < count && samples.readInt16LE(first * 2) === 0) first += 1;
  if (first === count) return { sampleRate: pcm.sampleRate, samples: samples.subarray(0, 0) };
  let last = count - 1;
  while (last > first && samples.readInt16LE(last * 2) === 0) last -= 1;
  const tail = Math.round(((options.keepTailMs ?? 150) * pcm.sampleRate) / 1000);
  const end = Math.min(count, last + 1 + tail);
  return { sampleRate: pcm.sampleRate, samples: samples.subarray(first * 2, end * 2) };
}
