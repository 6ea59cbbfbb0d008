import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WavFormatError, parseWav } from './wav.js';

interface WavShape {
  sampleRate?: number;
  channels?: number;
  bits?: number;
  format?: number;
  /** Declared sizes, as a streaming writer leaves them when they are placeholders. */
  riffSize?: number;
  dataSize?: number;
  /** Chunks placed between fmt and data. */
  extra?: Buffer[];
  samples: number[];
}

function chunk(id: string, body: Buffer, declared = body.length): Buffer {
  const header = Buffer.alloc(8);
  header.write(id, 0, 'latin1');
  header.writeUInt32LE(declared, 4);
  return Buffer.concat([header, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

function wav(shape: WavShape): Buffer {
  const fmt = Buffer.alloc(16);
  const channels = shape.channels ?? 1;
  const bits = shape.bits ?? 16;
  const rate = shape.sampleRate ?? 22_050;
  fmt.writeUInt16LE(shape.format ?? 1, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE((rate * channels * bits) / 8, 8);
  fmt.writeUInt16LE((channels * bits) / 8, 12);
  fmt.writeUInt16LE(bits, 14);
  const data = Buffer.alloc(shape.samples.length * 2);
  shape.samples.forEach((s, i) => data.writeInt16LE(s, i * 2));
  const body = Buffer.concat([
    Buffer.from('WAVE', 'latin1'),
    chunk('fmt ', fmt),
    ...(shape.extra ?? []),
    chunk('data', data, shape.dataSize),
  ]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(shape.riffSize ?? body.length, 4);
  return Buffer.concat([riff, body]);
}

const samplesOf = (buffer: Buffer) => Array.from({ length: buffer.length / 2 }, (_, i) => buffer.readInt16LE(i * 2));

void describe('parseWav', () => {
  void test('reads rate and samples of a well-formed file', () => {
    const pcm = parseWav(wav({ sampleRate: 16_000, samples: [0, 1, -1, 32767, -32768] }));
    assert.equal(pcm.sampleRate, 16_000);
    assert.deepEqual(samplesOf(pcm.samples), [0, 1, -1, 32767, -32768]);
  });

  void test('takes the data chunk to the end when a streaming writer left placeholder sizes', () => {
    // espeak-ng writing to a pipe: RIFF and data sizes are 0x7ffff000.
    const pcm = parseWav(wav({ riffSize: 0x7ffff024, dataSize: 0x7ffff000, samples: [5, 6, 7, 8] }));
    assert.equal(pcm.sampleRate, 22_050);
    assert.deepEqual(samplesOf(pcm.samples), [5, 6, 7, 8]);
  });

  void test('honours a declared data size shorter than the file (a trailing chunk follows)', () => {
    const file = Buffer.concat([wav({ samples: [1, 2, 3] }), chunk('LIST', Buffer.from('INFOjunk', 'latin1'))]);
    assert.deepEqual(samplesOf(parseWav(file).samples), [1, 2, 3]);
  });

  void test('skips chunks before data, including odd-sized padded ones', () => {
    const extra = [chunk('LIST', Buffer.from('abc', 'latin1')), chunk('fact', Buffer.alloc(4))];
    assert.deepEqual(samplesOf(parseWav(wav({ extra, samples: [9, -9] })).samples), [9, -9]);
  });

  void test('drops a trailing odd byte instead of splitting a sample', () => {
    const file = Buffer.concat([wav({ dataSize: 0x7ffff000, samples: [1, 2] }), Buffer.from([7])]);
    assert.deepEqual(samplesOf(parseWav(file).samples), [1, 2]);
  });

  void test('rejects what is not 16-bit mono PCM WAV', () => {
    assert.throws(() => parseWav(Buffer.from('not a wav file at all')), WavFormatError);
    assert.throws(() => parseWav(Buffer.alloc(0)), WavFormatError);
    assert.throws(() => parseWav(wav({ channels: 2, samples: [1, 2] })), /mono/);
    assert.throws(() => parseWav(wav({ bits: 8, samples: [1] })), /16-bit/);
    assert.throws(() => parseWav(wav({ format: 3, samples: [1] })), /format 3/);
    const noData = wav({ samples: [] }).subarray(0, 12 + 8 + 16);
    assert.throws(() => parseWav(noData), /no data chunk/);
  });
});
