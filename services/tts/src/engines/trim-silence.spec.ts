import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { trimSilence } from './trim-silence.js';

const pcmOf = (samples: number[], sampleRate = 1_000) => {
  const buffer = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => buffer.writeInt16LE(s, i * 2));
  return { sampleRate, samples: buffer };
};
const samplesOf = (buffer: Buffer) => Array.from({ length: buffer.length / 2 }, (_, i) => buffer.readInt16LE(i * 2));

void describe('trimSilence', () => {
  void test('drops leading zeros and keeps keepTailMs of trailing ones', () => {
    // 1 000 Hz: one sample per millisecond.
    const trimmed = trimSilence(pcmOf([0, 0, 0, 4, -2, 0, 3, 0, 0, 0, 0, 0]), { keepTailMs: 2 });
    assert.deepEqual(samplesOf(trimmed.samples), [4, -2, 0, 3, 0, 0]);
    assert.equal(trimmed.sampleRate, 1_000);
  });

  void test('keeps a shorter tail as it is', () => {
    assert.deepEqual(samplesOf(trimSilence(pcmOf([1, 0]), { keepTailMs: 150 }).samples), [1, 0]);
  });

  void test('all-silent audio becomes empty', () => {
    assert.equal(trimSilence(pcmOf([0, 0, 0])).samples.length, 0);
    assert.equal(trimSilence(pcmOf([])).samples.length, 0);
  });
});
