import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import type * as Ort from 'onnxruntime-node';
import { concatAudio, espeakSpeech, resample, silence, whiteNoise } from '@dh/testing';
import { OnnxFormatError } from './onnx-constants.js';
import { SILERO_INPUT_SAMPLES, SileroModel, newSileroState } from './silero-model.js';
import { sileroModelPath } from './silero-vad.js';

const require = createRequire(import.meta.url);

/** Speech, a pause, quiet noise and loud noise: every kind of window the VAD sees, at 16 kHz. */
function mixedAudio(): Int16Array {
  const speech = espeakSpeech('今天天气很好，我们一起去公园散步吧。');
  return resample(concatAudio(speech, silence(400), whiteNoise(600, -50), whiteNoise(400, -12), speech), 16_000).pcm;
}

describe('SileroModel (Silero VAD v5 in TypeScript)', () => {
  test('gives onnxruntime’s probabilities and state, window after window', async () => {
    const ort = require('onnxruntime-node') as typeof Ort;
    const session = await ort.InferenceSession.create(sileroModelPath(), { intraOpNumThreads: 1 });
    const model = SileroModel.fromOnnx(readFileSync(sileroModelPath()));
    const audio = mixedAudio();
    const ours = newSileroState();
    let theirs: Ort.Tensor = new ort.Tensor('float32', new Float32Array(256), [2, 1, 128]);
    const sr = new ort.Tensor('int64', BigInt64Array.from([16_000n]), []);
    const input = new Float32Array(SILERO_INPUT_SAMPLES);
    let worstProbability = 0;
    let worstState = 0; // relative: the cell state reaches tens, where float32 rounding alone is ~1e-5
    let speechWindows = 0;
    let windows = 0;
    for (let offset = 0; offset + 512 <= audio.length; offset += 512) {
      input.copyWithin(0, 512);
      for (let i = 0; i < 512; i += 1) input[64 + i] = audio[offset + i]! / 32_768;
      const out = await session.run({ input: new ort.Tensor('float32', input.slice(), [1, 576]), state: theirs, sr });
      theirs = out.stateN as Ort.Tensor;
      const expected = (out.output as Ort.Tensor).data[0] as number;
      const actual = model.run(input, ours);
      worstProbability = Math.max(worstProbability, Math.abs(expected - actual));
      const state = theirs.data as Float32Array;
      const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(a));
      for (let k = 0; k < 128; k += 1) {
        worstState = Math.max(worstState, relative(state[k]!, ours.h[k]!), relative(state[128 + k]!, ours.c[k]!));
      }
      if (expected > 0.5) speechWindows += 1;
      windows += 1;
    }
    await session.release();
    assert.ok(worstProbability < 1e-4, `largest probability difference from onnxruntime: ${worstProbability}`);
    assert.ok(worstState < 1e-4, `largest relative state difference from onnxruntime: ${worstState}`);
    // The comparison means something only if the audio held both speech and non-speech.
    assert.ok(speechWindows > 20 && speechWindows < windows - 20, `${speechWindows} of ${windows} windows speech`);
  });

  test('a file that is not the Silero v5 model is refused with a clear error', () => {
    assert.throws(() => SileroModel.fromOnnx(Buffer.from('not a model at all, just text')), OnnxFormatError);
    assert.throws(() => SileroModel.fromOnnx(new Uint8Array(0)), /no float tensors/);
  });
});
