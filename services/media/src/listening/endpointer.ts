/** Endpointing options; times in ms, rounded to whole 32 ms windows. */
export interface EndpointerOptions {
  /** Speech probability at which a window counts as speech when none is going on (default 0.5). */
  activation?: number;
  /** Once speaking, windows at or above this still count as speech (default 0.35: hysteresis). */
  deactivation?: number;
  /** Less voiced time than this is a blip (a cough, a click) and is dropped (default 250). */
  minSpeechMs?: number;
  /** This much silence ends an utterance (default 500). */
  endSilenceMs?: number;
  /** Speech running longer is cut here and handed on as a part; the rest follows (default 15 000). */
  maxUtteranceMs?: number;
  /** Audio kept from before the onset, so the first syllable is not clipped (default 200). */
  preRollMs?: number;
  /** Silence kept after the last voiced window (default 150). */
  tailMs?: number;
}

export const ENDPOINTER_DEFAULTS: Required<EndpointerOptions> = {
  activation: 0.5,
  deactivation: 0.35,
  minSpeechMs: 250,
  endSilenceMs: 500,
  maxUtteranceMs: 15_000,
  preRollMs: 200,
  tailMs: 150,
};

export type EndpointEvent =
  /** Enough voiced time to be speech (not a blip): what barge-in listens for. */
  | { type: 'speech_started' }
  /**
   * A stretch of speech: `last` when silence ended it, not when `maxUtteranceMs` cut it. `voicedMs` counts
   * windows judged speech; `endedAt` is when the last voiced window ended (epoch ms).
   */
  | { type: 'segment'; audio: Int16Array; last: boolean; voicedMs: number; endedAt: number }
  /** Speech that stopped before `minSpeechMs`: dropped. */
  | { type: 'blip' };

/**
 * Turns speech probabilities of consecutive windows into utterances. Pure: it sees windows of audio with
 * their probability and says where speech starts and ends; the model and the clock are the caller's.
 */
export class Endpointer {
  private readonly o: Required<EndpointerOptions>;
  private readonly windowMs: number;
  private readonly preRoll: Int16Array[] = [];
  private segment: Int16Array[] = [];
  private speaking = false;
  private started = false;
  private voicedMs = 0;
  private silenceMs = 0;
  private segmentMs = 0;
  /** Windows in `segment` up to and including the last voiced one. */
  private voicedEnd = 0;
  private lastVoicedAt = 0;

  constructor(
    private readonly windowSamples: number,
    sampleRate: number,
    options: EndpointerOptions = {},
  ) {
    this.o = { ...ENDPOINTER_DEFAULTS, ...options };
    this.windowMs = (windowSamples / sampleRate) * 1000;
  }

  /** Whether speech is under way (for a quiet-window shortcut the caller may take only when it is not). */
  get active(): boolean {
    return this.speaking;
  }

  push(window: Int16Array, probability: number, now = Date.now()): EndpointEvent[] {
    const events: EndpointEvent[] = [];
    if (!this.speaking) {
      if (probability < this.o.activation) {
        this.remember(window);
        return events;
      }
      this.speaking = true;
      this.segment = this.preRoll.splice(0);
      this.segmentMs = this.segment.length * this.windowMs;
      this.voicedMs = 0;
      this.silenceMs = 0;
      this.started = false;
    }
    this.segment.push(window);
    this.segmentMs += this.windowMs;
    if (probability >= this.o.deactivation) {
      this.voicedMs += this.windowMs;
      this.silenceMs = 0;
      this.voicedEnd = this.segment.length;
      this.lastVoicedAt = now;
      if (!this.started && this.voicedMs >= this.o.minSpeechMs) {
        this.started = true;
        events.push({ type: 'speech_started' });
      }
    } else {
      this.silenceMs += this.windowMs;
    }

    if (this.silenceMs >= this.o.endSilenceMs) {
      events.push(this.started ? this.cut(true) : { type: 'blip' });
      this.speaking = false;
      this.segment = [];
    } else if (this.segmentMs >= this.o.maxUtteranceMs) {
      if (this.started) events.push(this.cut(false));
      else this.segment = [];
      this.segmentMs = 0;
      this.voicedEnd = 0;
    }
    return events;
  }

  /** Forgets everything (the track ended or the guest muted). Returns what was said so far, if anything. */
  flush(): EndpointEvent | null {
    const event = this.speaking && this.started ? this.cut(true) : null;
    this.speaking = false;
    this.segment = [];
    this.preRoll.length = 0;
    return event;
  }

  private cut(last: boolean): EndpointEvent {
    const tailWindows = Math.round(this.o.tailMs / this.windowMs);
    const keep = last ? Math.min(this.segment.length, this.voicedEnd + tailWindows) : this.segment.length;
    const audio = concat(this.segment.slice(0, keep), this.windowSamples);
    const event: EndpointEvent = {
      type: 'segment',
      audio,
      last,
      voicedMs: this.voicedMs,
      endedAt: this.lastVoicedAt,
    };
    this.segment = [];
    this.voicedMs = 0;
    return event;
  }

  private remember(window: Int16Array): void {
    this.preRoll.push(window);
    const max = Math.round(this.o.preRollMs / this.windowMs);
    while (this.preRoll.length > max) this.preRoll.shift();
  }
}

function concat(windows: Int16Array[], windowSamples: number): Int16Array {
  const out = new Int16Array(windows.length * windowSamples);
  windows.forEach((window, i) => out.set(window, i * windowSamples));
  return out;
}
