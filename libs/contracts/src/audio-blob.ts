/**
 * Synthesized audio as stored in Redis: a 4-byte little-endian sample rate, then signed 16-bit little-endian
 * mono PCM. The rate travels with the samples so a cached blob needs nothing else to be played.
 */
export interface Pcm {
  sampleRate: number;
  /** s16le mono samples. */
  samples: Buffer;
}

const HEADER_BYTES = 4;

export function encodeAudioBlob(pcm: Pcm): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(pcm.sampleRate, 0);
  return Buffer.concat([header, pcm.samples]);
}

export function decodeAudioBlob(blob: Buffer): Pcm {
  if (blob.length < HEADER_BYTES) throw new Error('audio blob too short');
  const sampleRate = blob.readUInt32LE(0);
  if (sampleRate < 8_000 || sampleRate > 48_000) throw new Error(`audio blob has a bad sample rate ${sampleRate}`);
  const samples = blob.subarray(HEADER_BYTES);
  // An odd byte would split a sample; drop it rather than misalign the whole sentence.
  return { sampleRate, samples: samples.length % 2 ? samples.subarray(0, samples.length - 1) : samples };
}
