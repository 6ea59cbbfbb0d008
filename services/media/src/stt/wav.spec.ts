import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeWav } from './wav.js';

describe('encodeWav', () => {
  test('writes the canonical 44-byte PCM header for 16-bit mono', () => {
    const wav = encodeWav(new Int16Array([1, 2, 3]), 16_000);
    assert.equal(wav.toString('latin1', 0, 4), 'RIFF');
    assert.equal(wav.readUInt32LE(4), 36 + 6);
    assert.equal(wav.toString('latin1', 8, 12), 'WAVE');
    assert.equal(wav.toString('latin1', 12, 16), 'fmt ');
    assert.equal(wav.readUInt32LE(16), 16, 'fmt chunk size');
    assert.equal(wav.readUInt16LE(20), 1, 'PCM');
    assert.equal(wav.readUInt16LE(22), 1, 'mono');
    assert.equal(wav.readUInt32LE(24), 16_000, 'sample rate');
    assert.equal(wav.readUInt32LE(28), 32_000, 'byte rate');
    assert.equal(wav.readUInt16LE(32), 2, 'block align');
    assert.equal(wav.readUInt16LE(34), 16, 'bits per sample');
    assert.equal(wav.toString('latin1', 36, 40), 'data');
  });

  test('the data chunk holds every sample, two bytes each', () => {
    const pcm = new Int16Array(4_801);
    const wav = encodeWav(pcm, 48_000);
    assert.equal(wav.readUInt32LE(40), 4_801 * 2);
    assert.equal(wav.length, 44 + 4_801 * 2);
    assert.equal(wav.readUInt32LE(24), 48_000);
    assert.equal(wav.readUInt32LE(28), 96_000);
  });

  test('samples are little-endian and signed', () => {
    const wav = encodeWav(new Int16Array([0x0102, -2, 32_767, -32_768]), 16_000);
    assert.deepEqual([...wav.subarray(44, 48)], [0x02, 0x01, 0xfe, 0xff]);
    assert.equal(wav.readInt16LE(48), 32_767);
    assert.equal(wav.readInt16LE(50), -32_768);
  });

  test('empty audio is a valid file with an empty data chunk', () => {
    const wav = encodeWav(new Int16Array(0), 16_000);
    assert.equal(wav.length, 44);
    assert.equal(wav.readUInt32LE(4), 36);
    assert.equal(wav.readUInt32LE(40), 0);
  });

  test('a sample rate that is not a positive integer is refused', () => {
    assert.throws(() => encodeWav(new Int16Array(1), 0), RangeError);
    assert.throws(() => encodeWav(new Int16Array(1), 16_000.5), RangeError);
  });
});
