const HEADER_BYTES = 44;
const PCM_FORMAT = 1;
const BYTES_PER_SAMPLE = 2;

/**
 * Wraps 16-bit mono PCM in the canonical 44-byte RIFF/WAVE header, the one format every speech-to-text API
 * accepts without a decoder on its side.
 */
export function encodeWav(pcm: Int16Array, sampleRate: number): Buffer {
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError(`invalid sample rate ${sampleRate}`);
  const dataBytes = pcm.length * BYTES_PER_SAMPLE;
  // The RIFF size field is 32 bits wide.
  if (dataBytes > 0xffffffff - (HEADER_BYTES - 8)) throw new RangeError('audio too long for a WAV file');
  const wav = Buffer.alloc(HEADER_BYTES + dataBytes);
  wav.write('RIFF', 0, 'latin1');
  wav.writeUInt32LE(HEADER_BYTES - 8 + dataBytes, 4);
  wav.write('WAVE', 8, 'latin1');
  wav.write('fmt ', 12, 'latin1');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(PCM_FORMAT, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * BYTES_PER_SAMPLE, 28);
  wav.writeUInt16LE(BYTES_PER_SAMPLE, 32);
  wav.writeUInt16LE(BYTES_PER_SAMPLE * 8, 34);
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(dataBytes, 40);
  // Written sample by sample: WAV is little-endian whatever the host is.
  for (let i = 0; i < pcm.length; i++) wav.writeInt16LE(pcm[i]!, HEADER_BYTES + i * BYTES_PER_SAMPLE);
  return wav;
}
