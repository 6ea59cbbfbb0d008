import type { TestAudio } from '@dh/testing';

/** A sample louder than this (of full scale 32768) is speech; espeak-ng's pauses and dither stay far below. */
const SILENT_BELOW = 300;

/** Where speech starts and ends in a clip, in ms from its start: espeak-ng leads and trails with silence. */
export function speechBounds(audio: TestAudio): { onsetMs: number; endMs: number } {
  const loud = (i: number) => Math.abs(audio.pcm[i] ?? 0) > SILENT_BELOW;
  let first = 0;
  while (first < audio.pcm.length && !loud(first)) first += 1;
  let last = audio.pcm.length - 1;
  while (last > first && !loud(last)) last -= 1;
  return { onsetMs: (first / audio.sampleRate) * 1000, endMs: ((last + 1) / audio.sampleRate) * 1000 };
}
