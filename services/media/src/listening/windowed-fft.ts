/**
 * Magnitude spectrum of windowed frames by radix-2 FFT. Silero's STFT is a convolution with a Hann-windowed
 * DFT basis; computing it as an FFT is ~30x fewer operations than the convolution and gives the same numbers.
 */
export class WindowedFft {
  private readonly real: Float64Array;
  private readonly imaginary: Float64Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly reversed: Uint16Array;

  constructor(private readonly window: Float32Array) {
    const n = window.length;
    if (n < 2 || (n & (n - 1)) !== 0) throw new RangeError(`FFT size ${n} is not a power of two`);
    this.real = new Float64Array(n);
    this.imaginary = new Float64Array(n);
    this.cos = Float64Array.from({ length: n / 2 }, (_, k) => Math.cos((2 * Math.PI * k) / n));
    this.sin = Float64Array.from({ length: n / 2 }, (_, k) => Math.sin((2 * Math.PI * k) / n));
    const bits = Math.log2(n);
    this.reversed = Uint16Array.from({ length: n }, (_, i) => {
      let r = 0;
      for (let b = 0; b < bits; b += 1) r |= ((i >> b) & 1) << (bits - 1 - b);
      return r;
    });
  }

  /** |X[f]| for f = 0 … n/2 of `source[offset … offset + n)` times the window, written to `out[f]`. */
  magnitudes(source: Float32Array, offset: number, out: Float32Array): void {
    const n = this.window.length;
    const re = this.real;
    const im = this.imaginary;
    for (let i = 0; i < n; i += 1) {
      const j = this.reversed[i]!;
      re[j] = source[offset + i]! * this.window[i]!;
      im[j] = 0;
    }
    for (let size = 2; size <= n; size *= 2) {
      const half = size / 2;
      const step = n / size;
      for (let start = 0; start < n; start += size) {
        for (let k = 0; k < half; k += 1) {
          const c = this.cos[k * step]!;
          const s = this.sin[k * step]!;
          const a = start + k;
          const b = a + half;
          const tr = re[b]! * c + im[b]! * s;
          const ti = im[b]! * c - re[b]! * s;
          re[b] = re[a]! - tr;
          im[b] = im[a]! - ti;
          re[a] = re[a]! + tr;
          im[a] = im[a]! + ti;
        }
      }
    }
    for (let f = 0; f <= n / 2; f += 1) out[f] = Math.sqrt(re[f]! * re[f]! + im[f]! * im[f]!);
  }
}

/**
 * The window of a DFT basis laid out as [real rows for f = 0 … n/2][imaginary rows][n], checked to be
 * exactly window × cos / window × ∓sin, so an FFT may stand in for the convolution with it.
 */
export function windowOfDftBasis(basis: Float32Array, n: number, tolerance = 1e-5): Float32Array {
  const frequencies = n / 2 + 1;
  const window = basis.slice(0, n);
  let realError = 0;
  let minusSinError = 0; // PyTorch's and librosa's convention: X = sum x * w * e^(-i angle)
  let plusSinError = 0;
  for (let f = 0; f < frequencies; f += 1) {
    for (let k = 0; k < n; k += 1) {
      const angle = (2 * Math.PI * f * k) / n;
      const imaginary = basis[(frequencies + f) * n + k]!;
      realError = Math.max(realError, Math.abs(basis[f * n + k]! - window[k]! * Math.cos(angle)));
      minusSinError = Math.max(minusSinError, Math.abs(imaginary + window[k]! * Math.sin(angle)));
      plusSinError = Math.max(plusSinError, Math.abs(imaginary - window[k]! * Math.sin(angle)));
    }
  }
  const worst = Math.max(realError, Math.min(minusSinError, plusSinError));
  if (worst > tolerance) throw new RangeError(`basis is not a windowed DFT (off by ${worst})`);
  return window;
}
