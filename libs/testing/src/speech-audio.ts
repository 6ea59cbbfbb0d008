import { execFileSync } from 'node:child_process';

/** Mono 16-bit PCM with its rate: what a test plays into a guest's microphone. */
export interface TestAudio {
  pcm: Int16Array;
  sampleRate: number;
}

/** Real speech from espeak-ng (`cmn` Mandarin by default), as a guest would say it. */
export function espeakSpeech(text: string, voice = 'cmn', wordsPerMinute = 175): TestAudio {
  const wav = execFileSync('espeak-ng', ['-v', voice, '-s', String(wordsPerMinute), '--stdout'], {
    input: text,
    maxBuffer: 64 * 1024 * 1024,
  });
  return readWav(wav);
}

/** The PCM of a 16-bit mono WAV (the `data` chunk, wherever it is). */
export function readWav(wav: Buffer): TestAudio {
  const sampleRate = wav.readUInt32LE(24);
  let offset = 12;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    let size = wav.readUInt32LE(offset + 4);
    // espeak-ng writes 0xffffffff as the size when it streams to a pipe.
    if (id === 'data') {
      if (size === 0xffffffff || offset + 8 + size > wav.length) size = wav.length - offset - 8;
      const bytes = wav.subarray(offset + 8, offset + 8 + (size & ~1));
      const pcm = new Int16Array(bytes.length / 2);
      for (let i = 0; i < pcm.length; i += 1) pcm[i] = bytes.readInt16LE(i * 2);
      return { pcm, sampleRate };
    }
    offset += 8 + size + (size & 1);
  }
  throw new Error('no data chunk in WAV');
}

/** Linear resampling: plenty for feeding a test microphone. */
export function resample(audio: TestAudio, sampleRate: number): TestAudio {
  if (audio.sampleRate === sampleRate) return audio;
  const ratio = audio.sampleRate / sampleRate;
  const out = new Int16Array(Math.floor(audio.pcm.length / ratio));
  for (let i = 0; i < out.length; i += 1) {
    const x = i * ratio;
    const i0 = Math.floor(x);
    const a = audio.pcm[i0] ?? 0;
    const b = audio.pcm[i0 + 1] ?? a;
    out[i] = Math.round(a + (b - a) * (x - i0));
  }
  return { pcm: out, sampleRate };
}

export function silence(ms: number, sampleRate = 48_000): TestAudio {
  return { pcm: new Int16Array(Math.round((sampleRate * ms) / 1000)), sampleRate };
}

/** Steady white noise at `dbfs` RMS (a fan, a street): not speech. Seeded, so every run hears the same. */
export function whiteNoise(ms: number, dbfs: number, sampleRate = 48_000, seed = 1): TestAudio {
  const rms = 32_768 * 10 ** (dbfs / 20);
  // Uniform noise in [-a, a] has RMS a/√3.
  const amplitude = rms * Math.sqrt(3);
  let state = seed >>> 0 || 1;
  const pcm = new Int16Array(Math.round((sampleRate * ms) / 1000));
  for (let i = 0; i < pcm.length; i += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    pcm[i] = Math.round(((state >>> 0) / 0xffffffff - 0.5) * 2 * amplitude);
  }
  return { pcm, sampleRate };
}

export function concatAudio(...parts: TestAudio[]): TestAudio {
  const sampleRate = parts[0]?.sampleRate ?? 48_000;
  const resampled = parts.map((part) => resample(part, sampleRate).pcm);
  const pcm = new Int16Array(resampled.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of resampled) {
    pcm.set(part, offset);
    offset += part.length;
  }
  return { pcm, sampleRate };
}

export function durationMs(audio: TestAudio): number {
  return (audio.pcm.length / audio.sampleRate) * 1000;
}
