import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WindowedFft, windowOfDftBasis } from './windowed-fft.js';

const N = 256;
const hann = Float32Array.from({ length: N }, (_, k) => 0.5 - 0.5 * Math.cos((2 * Math.PI * k) / N));

/** The STFT basis as Silero stores it: real rows, then imaginary rows (e^-i convention). */
function dftBasis(window: Float32Array): Float32Array {
  const frequencies = N / 2 + 1;
  const basis = new Float32Array(2 * frequencies * N);
  for (let f = 0; f < frequencies; f += 1) {
    for (let k = 0; k < N; k += 1) {
      basis[f * N + k] = window[k]! * Math.cos((2 * Math.PI * f * k) / N);
      basis[(frequencies + f) * N + k] = -window[k]! * Math.sin((2 * Math.PI * f * k) / N);
    }
  }
  return basis;
}

describe('WindowedFft', () => {
  test('magnitudes equal the direct windowed DFT', () => {
    const source = Float32Array.from(
      { length: N + 40 },
      (_, i) => Math.sin(i * 0.37) * 0.5 + ((i * 7919) % 13) / 26 - 0.25,
    );
    const out = new Float32Array(N / 2 + 1);
    new WindowedFft(hann).magnitudes(source, 40, out);
    for (let f = 0; f <= N / 2; f += 1) {
      let re = 0;
      let im = 0;
      for (let k = 0; k < N; k += 1) {
        re += source[40 + k]! * hann[k]! * Math.cos((2 * Math.PI * f * k) / N);
        im -= source[40 + k]! * hann[k]! * Math.sin((2 * Math.PI * f * k) / N);
      }
      assert.ok(Math.abs(out[f]! - Math.hypot(re, im)) < 1e-4, `bin ${f}: ${out[f]} vs ${Math.hypot(re, im)}`);
    }
  });

  test('refuses a size that is not a power of two', () => {
    assert.throws(() => new WindowedFft(new Float32Array(100)), RangeError);
  });
});

describe('windowOfDftBasis', () => {
  test('recovers the window of a windowed DFT basis', () => {
    const window = windowOfDftBasis(dftBasis(hann), N);
    assert.ok(window.every((w, k) => Math.abs(w - hann[k]!) < 1e-7));
  });

  test('refuses a basis that is not a DFT, so no FFT stands in for it', () => {
    const basis = dftBasis(hann);
    basis[5 * N + 17] = basis[5 * N + 17]! + 0.01;
    assert.throws(() => windowOfDftBasis(basis, N), /not a windowed DFT/);
  });
});
