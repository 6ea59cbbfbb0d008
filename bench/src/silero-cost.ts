import { SileroVad } from '@dh/media/dist/src/listening/silero-vad.js';
import { espeakSpeech, resample } from '@dh/testing';

/** Milliseconds of CPU per Silero window on this machine: the model run alone on speech, as media runs it. */
export async function sileroMsPerWindow(): Promise<number> {
  const vad = await SileroVad.load();
  const stream = vad.stream();
  const audio = resample(espeakSpeech('今天天气很好，我们一起去公园散步吧。'), 16_000).pcm;
  const window = new Float32Array(512);
  for (let i = 0; i < 500; i += 1) stream.probability(window); // warm up: media's model has long been compiled
  const windows = 2_000;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < windows; i += 1) {
    const offset = (i * 512) % Math.max(512, audio.length - 512);
    for (let j = 0; j < 512; j += 1) window[j] = (audio[offset + j] ?? 0) / 32_768;
    stream.probability(window);
  }
  const used = process.cpuUsage(cpu0);
  return (used.user + used.system) / 1000 / windows;
}
