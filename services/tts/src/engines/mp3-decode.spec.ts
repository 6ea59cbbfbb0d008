import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { toneMp3 } from '@dh/testing';
import { Mp3Decoder, floatToS16le } from './mp3-decode.js';

function rms(samples: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < samples.length; i += 2) sum += samples.readInt16LE(i) ** 2;
  return Math.sqrt(sum / Math.max(1, samples.length / 2));
}

void describe('mp3 decode', () => {
  const decoder = new Mp3Decoder();
  after(() => decoder.free());

  void test('floats become clamped s16le', () => {
    const pcm = floatToS16le(new Float32Array([0, 1, -1, 1.5, -1.5, 0.5]));
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((i) => pcm.readInt16LE(i * 2)),
      [0, 32_767, -32_768, 32_767, -32_768, 16_384],
    );
    assert.equal(floatToS16le(new Float32Array([0.1, 0.2, 0.3]), 2).length, 4, 'only the decoded count');
  });

  void test('the 1 s tone decodes to ~1 s of audible 24 kHz audio, again after a reset', async () => {
    for (let round = 0; round < 2; round++) {
      const pcm = await decoder.decode(toneMp3());
      assert.ok(pcm);
      assert.equal(pcm.sampleRate, 24_000);
      const seconds = pcm.samples.length / 2 / pcm.sampleRate;
      assert.ok(seconds > 1 && seconds < 1.1, `${seconds} s`);
      // A sine of amplitude 10 000 has RMS 7 071; silence and the encoder's delay pull it a little lower.
      assert.ok(rms(pcm.samples) > 6_000, `rms ${rms(pcm.samples)}`);
    }
  });

  void test('calls at once queue on the one decoder; a truncated stream holds no frame', async () => {
    const mp3 = toneMp3();
    const results = await Promise.all([decoder.decode(mp3), decoder.decode(mp3.subarray(0, 7))]);
    assert.ok(results[0]);
    assert.equal(results[1], null, 'seven bytes hold no whole frame');
  });

  void test('bytes without an MP3 frame decode to nothing', async () => {
    assert.equal(await decoder.decode(Buffer.from('not an mp3 '.repeat(500))), null);
    assert.equal(await decoder.decode(new Uint8Array(0)), null);
  });
});
