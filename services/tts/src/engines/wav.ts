import type { Pcm } from '@dh/contracts';

/** A WAV file we cannot use: not RIFF/WAVE, not 16-bit mono PCM, or without a data chunk. */
export class WavFormatError extends Error {
  constructor(reason: string) {
    super(`unusable WAV: ${reason}`);
    this.name = 'WavFormatError';
  }
}

const PCM_FORMAT = 1;

/**
 * Reads 16-bit mono PCM out of a WAV buffer. Programs writing WAV to a pipe cannot seek back to fill in the
 * sizes, so espeak-ng leaves placeholders (0x7ffff000) in the RIFF and data sizes: the data chunk is taken as
 * whatever of its declared size is actually there, which for a stream is everything up to the end.
 */
export function parseWav(wav: Buffer): Pcm {
  if (wav.length < 12 || wav.toString('latin1', 0, 4) !== 'RIFF' || wav.toString('latin1', 8, 12) !== 'WAVE')
    throw new WavFormatError('not a RIFF/WAVE file');
  let sampleRate: number | undefined;
  let offset = 12;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('latin1', offset, offset + 4);
    const declared = wav.readUInt32LE(offset + 4);
    const body = offset + 8;
    const size = Math.min(declared, wav.length - body);
    if (id === 'fmt ') {
      if (size < 16) throw new WavFormatError('fmt chunk too short');
      const format = wav.readUInt16LE(body);
      const channels = wav.readUInt16LE(body + 2);
      const bits = wav.readUInt16LE(body + 14);
      if (format !== PCM_FORMAT || channels !== 1 || bits !== 16)
        throw new WavFormatError(`need 16-bit mono PCM, got format ${format}, ${channels} channels, ${bits} bits`);
      sampleRate = wav.readUInt32LE(body + 4);
    } else if (id === 'data') {
      if (sampleRate === undefined) throw new WavFormatError('data chunk before fmt chunk');
      // An odd byte would split a sample.
      const samples = wav.subarray(body, body + size - (size % 2));
      return { sampleRate, samples };
    }
    // Chunks are padded to an even length.
    offset = body + declared + (declared % 2);
  }
  throw new WavFormatError('no data chunk');
}
