import { AudioStream, type RemoteTrack } from '@livekit/rtc-node';
import type { ServiceMetrics } from '@dh/observability';
import { type EndpointEvent, Endpointer, type EndpointerOptions } from './endpointer.js';
import { type SileroVad, VAD_SAMPLE_RATE, VAD_WINDOW_SAMPLES } from './silero-vad.js';

export interface GuestEarsOptions {
  endpointer: EndpointerOptions;
  /**
   * Windows quieter than this (dBFS) are silence without asking the model, unless speech is under way: most
   * of a guest's time is silence, so this is most of the VAD's cost saved.
   */
  quietDbfs: number;
}

/** After this many skipped windows (~1 s) the model's memory of the last sound is stale: start it afresh. */
const RESET_AFTER_QUIET_WINDOWS = 32;

/** Root mean square of a window in dBFS (full scale = 0 dB). */
export function levelDbfs(window: Int16Array): number {
  let sum = 0;
  for (const sample of window) sum += sample * sample;
  const rms = Math.sqrt(sum / Math.max(1, window.length)) / 32_768;
  return rms > 0 ? 20 * Math.log10(rms) : -Infinity;
}

/**
 * Listens to one guest's microphone: the track as 16 kHz mono in 32 ms windows, each through the energy
 * gate and Silero, then the endpointer; its events go to `onEvent` in order. Runs until `stop()` or the track
 * ends.
 */
export class GuestEars {
  private readonly endpointer: Endpointer;
  private readonly float = new Float32Array(VAD_WINDOW_SAMPLES);
  private reader: ReadableStreamDefaultReader | undefined;
  private stopped = false;

  constructor(
    private readonly track: RemoteTrack,
    private readonly vad: SileroVad,
    private readonly options: GuestEarsOptions,
    private readonly metrics: ServiceMetrics,
    private readonly onEvent: (event: EndpointEvent) => void,
  ) {
    this.endpointer = new Endpointer(VAD_WINDOW_SAMPLES, VAD_SAMPLE_RATE, options.endpointer);
  }

  /** Resolves when listening ended (stopped, or the track went away). */
  async run(): Promise<void> {
    const stream = new AudioStream(this.track, {
      sampleRate: VAD_SAMPLE_RATE,
      numChannels: 1,
      frameSizeMs: (VAD_WINDOW_SAMPLES / VAD_SAMPLE_RATE) * 1000,
    });
    const model = this.vad.stream();
    const reader = stream.getReader();
    this.reader = reader;
    // Frames should be whole windows (frameSizeMs); this joins or splits them if they are not.
    const pending = new Int16Array(VAD_WINDOW_SAMPLES);
    let filled = 0;
    let quietWindows = 0;
    try {
      for (;;) {
        const { value: frame, done } = await reader.read();
        if (done || this.stopped) break;
        let offset = 0;
        while (offset < frame.data.length) {
          const take = Math.min(VAD_WINDOW_SAMPLES - filled, frame.data.length - offset);
          pending.set(frame.data.subarray(offset, offset + take), filled);
          filled += take;
          offset += take;
          if (filled < VAD_WINDOW_SAMPLES) continue;
          filled = 0;
          const window = pending.slice();
          let probability = 0;
          if (!this.endpointer.active && levelDbfs(window) < this.options.quietDbfs) {
            this.metrics.vadWindows.inc({ outcome: 'skipped_quiet' });
            quietWindows += 1;
            if (quietWindows === RESET_AFTER_QUIET_WINDOWS) model.reset();
          } else {
            quietWindows = 0;
            for (let i = 0; i < window.length; i += 1) this.float[i] = (window[i] ?? 0) / 32_768;
            probability = model.probability(this.float);
            this.metrics.vadWindows.inc({ outcome: 'inferred' });
          }
          for (const event of this.endpointer.push(window, probability)) this.onEvent(event);
        }
      }
    } finally {
      reader.releaseLock();
      await stream.cancel().catch(() => undefined);
      const rest = this.endpointer.flush();
      if (rest && !this.stopped) this.onEvent(rest);
    }
  }

  /** Whatever was being said ends here (the guest muted): handed on as the last part, if it was speech. */
  flush(): void {
    const rest = this.endpointer.flush();
    if (rest && !this.stopped) this.onEvent(rest);
  }

  stop(): void {
    this.stopped = true;
    this.reader?.cancel().catch(() => undefined);
  }
}
