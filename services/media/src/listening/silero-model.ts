import { type FloatTensor, OnnxFormatError, readOnnxFloatTensors } from './onnx-constants.js';
import { WindowedFft, windowOfDftBasis } from './windowed-fft.js';

/**
 * Silero VAD v5's 16 kHz forward pass in plain TypeScript, with the weights read from the published ONNX file.
 * The network is small (a Hann-windowed STFT, computed here by FFT; four 1-D convolutions, one LSTM cell, a 1x1 convolution): about
 * 0.7 million multiply-adds per 32 ms window. Running it ourselves instead of through onnxruntime saves about
 * 40 MB of RSS in the media process, which is what lets media fit its memory budget with ten guests talking.
 * `silero-model.spec.ts` checks it against onnxruntime window by window.
 */
export const SILERO_INPUT_SAMPLES = 576; // 64 samples of context + a 512-sample window
export const SILERO_HIDDEN = 128;

const FILTER_LENGTH = 256;
const HOP = 128;
const FREQUENCIES = FILTER_LENGTH / 2 + 1; // 129
const PAD_RIGHT = 64; // reflection padding on the right, as the model's STFT does
const FRAMES = (SILERO_INPUT_SAMPLES + PAD_RIGHT - FILTER_LENGTH) / HOP + 1; // 4

/** The 16 kHz branch of the model's top-level `If` (the 8 kHz branch holds different weights). */
const BRANCH = 'If_0_then_branch__Inline_0__';

interface ConvLayer {
  weight: Float32Array; // [out][tap][in]: transposed from ONNX's [out][in][tap] so dot products run over channels
  bias: Float32Array;
  inChannels: number;
  outChannels: number;
  stride: number;
}

/** The recurrent state one guest's stream carries from window to window. */
export interface SileroState {
  h: Float32Array;
  c: Float32Array;
}

export function newSileroState(): SileroState {
  return { h: new Float32Array(SILERO_HIDDEN), c: new Float32Array(SILERO_HIDDEN) };
}

export class SileroModel {
  // Scratch buffers, reused by every call: the model runs on one thread, one window at a time.
  private readonly padded = new Float32Array(SILERO_INPUT_SAMPLES + PAD_RIGHT);
  private readonly spectrum = new Float32Array(FREQUENCIES * FRAMES);
  private readonly activations: Float32Array[];
  private readonly gates = new Float32Array(4 * SILERO_HIDDEN);

  private readonly fft: WindowedFft;

  private constructor(
    window: Float32Array, // the STFT's window (periodic Hann), 256 samples
    private readonly encoder: ConvLayer[],
    private readonly weightIh: Float32Array, // [4 * 128][128], gates in PyTorch order i, f, g, o
    private readonly weightHh: Float32Array,
    private readonly biasIh: Float32Array,
    private readonly biasHh: Float32Array,
    private readonly outWeight: Float32Array, // [128]
    private readonly outBias: number,
  ) {
    this.fft = new WindowedFft(window);
    let length = FRAMES;
    this.activations = encoder.map((layer) => {
      length = Math.floor((length + 2 - 3) / layer.stride) + 1;
      return new Float32Array(layer.outChannels * length);
    });
    if (length !== 1) throw new OnnxFormatError(`Silero encoder ends with ${length} frames, expected 1`);
  }

  static fromOnnx(model: Uint8Array): SileroModel {
    const tensors = readOnnxFloatTensors(model);
    const get = (name: string, dims: number[]): Float32Array => {
      const tensor: FloatTensor | undefined = tensors.get(BRANCH + name);
      if (!tensor || tensor.dims.join('x') !== dims.join('x')) {
        throw new OnnxFormatError(`not a Silero VAD v5 model: ${name} missing or not ${dims.join('x')}`);
      }
      return tensor.data;
    };
    const conv = (index: number, inChannels: number, outChannels: number, stride: number): ConvLayer => ({
      weight: tapsMajor(
        get(`encoder.${index}.reparam_conv.weight`, [outChannels, inChannels, 3]),
        outChannels,
        inChannels,
      ),
      bias: get(`encoder.${index}.reparam_conv.bias`, [outChannels]),
      inChannels,
      outChannels,
      stride,
    });
    const basis = get('stft.forward_basis_buffer', [2 * FREQUENCIES, 1, FILTER_LENGTH]);
    let window: Float32Array;
    try {
      window = windowOfDftBasis(basis, FILTER_LENGTH);
    } catch (error) {
      throw new OnnxFormatError(`not a Silero VAD v5 model: STFT ${(error as Error).message}`);
    }
    return new SileroModel(
      window,
      [conv(0, FREQUENCIES, 128, 1), conv(1, 128, 64, 2), conv(2, 64, 64, 2), conv(3, 64, 128, 1)],
      get('decoder.rnn.weight_ih', [4 * SILERO_HIDDEN, SILERO_HIDDEN]),
      get('decoder.rnn.weight_hh', [4 * SILERO_HIDDEN, SILERO_HIDDEN]),
      get('decoder.rnn.bias_ih', [4 * SILERO_HIDDEN]),
      get('decoder.rnn.bias_hh', [4 * SILERO_HIDDEN]),
      get('decoder.decoder.2.weight', [1, SILERO_HIDDEN, 1]),
      get('decoder.decoder.2.bias', [1])[0]!,
    );
  }

  /** Speech probability of `input` (576 samples in [-1, 1]); updates `state` in place. */
  run(input: Float32Array, state: SileroState): number {
    this.stft(input);
    let features: Float32Array = this.spectrum;
    let length = FRAMES;
    this.encoder.forEach((layer, i) => {
      const out = this.activations[i]!;
      length = convRelu(features, length, layer, out);
      features = out;
    });
    this.lstm(features, state);
    let logit = this.outBias;
    for (let k = 0; k < SILERO_HIDDEN; k += 1) logit += this.outWeight[k]! * Math.max(0, state.h[k]!);
    return 1 / (1 + Math.exp(-logit));
  }

  /** Magnitude spectrum [4 frames][129] of the input, reflection-padded on the right. */
  private stft(input: Float32Array): void {
    const padded = this.padded;
    padded.set(input);
    for (let k = 0; k < PAD_RIGHT; k += 1) padded[SILERO_INPUT_SAMPLES + k] = input[SILERO_INPUT_SAMPLES - 2 - k]!;
    for (let t = 0; t < FRAMES; t += 1) {
      this.fft.magnitudes(padded, t * HOP, this.spectrum.subarray(t * FREQUENCIES, (t + 1) * FREQUENCIES));
    }
  }

  /** One LSTM cell step (PyTorch gate order i, f, g, o) from the encoder's 128 features. */
  private lstm(x: Float32Array, state: SileroState): void {
    const { h, c } = state;
    const gates = this.gates;
    for (let row = 0; row < 4 * SILERO_HIDDEN; row += 1) {
      const base = row * SILERO_HIDDEN;
      gates[row] =
        this.biasIh[row]! +
        this.biasHh[row]! +
        dot(this.weightIh, base, x, 0, SILERO_HIDDEN) +
        dot(this.weightHh, base, h, 0, SILERO_HIDDEN);
    }
    for (let k = 0; k < SILERO_HIDDEN; k += 1) {
      const input = sigmoid(gates[k]!);
      const forget = sigmoid(gates[SILERO_HIDDEN + k]!);
      const cell = Math.tanh(gates[2 * SILERO_HIDDEN + k]!);
      const output = sigmoid(gates[3 * SILERO_HIDDEN + k]!);
      c[k] = forget * c[k]! + input * cell;
      h[k] = output * Math.tanh(c[k]!);
    }
  }
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** a[aAt …] · b[bAt …] over n elements, four at a time into separate sums (~2x faster than one running sum). */
function dot(a: Float32Array, aAt: number, b: Float32Array, bAt: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[aAt + i]! * b[bAt + i]!;
    s1 += a[aAt + i + 1]! * b[bAt + i + 1]!;
    s2 += a[aAt + i + 2]! * b[bAt + i + 2]!;
    s3 += a[aAt + i + 3]! * b[bAt + i + 3]!;
  }
  for (; i < n; i += 1) s0 += a[aAt + i]! * b[bAt + i]!;
  return s0 + s1 + s2 + s3;
}

/** [out][in][3] -> [out][3][in]. */
function tapsMajor(weight: Float32Array, outChannels: number, inChannels: number): Float32Array {
  const out = new Float32Array(weight.length);
  for (let o = 0; o < outChannels; o += 1) {
    for (let i = 0; i < inChannels; i += 1) {
      for (let k = 0; k < 3; k += 1) out[(o * 3 + k) * inChannels + i] = weight[(o * inChannels + i) * 3 + k]!;
    }
  }
  return out;
}

/** Conv1d (kernel 3, padding 1) then ReLU, on [time][channels] data; returns the output length. */
function convRelu(input: Float32Array, length: number, layer: ConvLayer, out: Float32Array): number {
  const { weight, bias, inChannels, outChannels, stride } = layer;
  const outLength = Math.floor((length + 2 - 3) / stride) + 1;
  for (let t = 0; t < outLength; t += 1) {
    const start = t * stride - 1;
    for (let o = 0; o < outChannels; o += 1) {
      let sum = bias[o]!;
      for (let k = 0; k < 3; k += 1) {
        const at = start + k;
        if (at < 0 || at >= length) continue;
        const w = (o * 3 + k) * inChannels;
        const x = at * inChannels;
        sum += dot(weight, w, input, x, inChannels);
      }
      out[t * outChannels + o] = sum > 0 ? sum : 0;
    }
  }
  return outLength;
}
