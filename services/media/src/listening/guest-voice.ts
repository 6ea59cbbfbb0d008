import { randomUUID } from 'node:crypto';
import type { RemoteTrack } from '@livekit/rtc-node';
import type { Logger, ServiceMetrics } from '@dh/observability';
import type { Guest } from '../chat/utterance-intake.js';
import type { SttEngine } from '../stt/stt-engine.js';
import type { EndpointEvent } from './endpointer.js';
import { GuestEars, type GuestEarsOptions } from './guest-ears.js';
import { type SileroVad, VAD_SAMPLE_RATE } from './silero-vad.js';

/** What a room does with what a guest said. */
export interface GuestVoiceSink {
  /** The guest's words on lk.transcription, sent as the guest; `final` once the utterance is complete. */
  transcript(guest: Guest, trackSid: string, segmentId: string, text: string, final: boolean): Promise<void>;
  /** A complete utterance: a turn for the dialogue; false when it was not taken (the guest has too many waiting). */
  utterance(guest: Guest, text: string, endedAt: number): Promise<boolean>;
  /** The guest has been speaking long enough to be speech (barge-in listens here). */
  speechStarted(guest: Guest): void;
}

export interface GuestVoiceDeps {
  vad: SileroVad;
  stt: SttEngine;
  ears: GuestEarsOptions;
  metrics: ServiceMetrics;
  logger: Logger;
  sink: GuestVoiceSink;
}

/** A last part with less voice than this (the tail after a cut) is not worth a transcription request. */
const MIN_PART_VOICED_MS = 150;

const CJK_END = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]$/u;
const CJK_START = /^[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/u;

/** Parts of one monologue, joined the way their language writes: no space between Chinese, a space elsewhere. */
function join(parts: string[]): string {
  return parts.reduce((text, part) => {
    if (!text) return part;
    return CJK_END.test(text) && CJK_START.test(part) ? text + part : `${text} ${part}`;
  }, '');
}

/**
 * One guest's voice in a room: their microphone through VAD and endpointing, each segment through STT in the
 * order spoken, the words on lk.transcription as the guest, and each complete utterance handed on as a turn.
 * A long monologue comes in parts (the endpointer's maximum length); the parts share one subtitle line and
 * become one turn.
 */
export class GuestVoice {
  private ears: GuestEars | undefined;
  private chain: Promise<void> = Promise.resolve();
  private parts: string[] = [];
  private segmentId = `v-${randomUUID()}`;

  constructor(
    readonly guest: Guest,
    private readonly deps: GuestVoiceDeps,
  ) {}

  /** Starts listening to this track (a new one replaces the old). */
  listen(track: RemoteTrack, trackSid: string): void {
    this.ears?.stop();
    const ears = new GuestEars(track, this.deps.vad, this.deps.ears, this.deps.metrics, (event) =>
      this.onEvent(event, trackSid),
    );
    this.ears = ears;
    ears.run().catch((error: unknown) => this.deps.logger.warn({ err: (error as Error).message }, 'listening failed'));
  }

  /** The guest muted: what they were saying ends now instead of waiting for silence that will not come. */
  muted(): void {
    this.ears?.flush();
  }

  stop(): void {
    this.ears?.stop();
    this.ears = undefined;
  }

  /** Resolves when every segment heard so far has been handled (tests, shutdown). */
  settled(): Promise<void> {
    return this.chain;
  }

  private onEvent(event: EndpointEvent, trackSid: string): void {
    switch (event.type) {
      case 'speech_started':
        this.deps.sink.speechStarted(this.guest);
        return;
      case 'blip':
        this.deps.metrics.voiceUtterances.inc({ result: 'blip' });
        return;
      case 'segment':
        this.chain = this.chain.then(() => this.onSegment(event, trackSid));
        return;
    }
  }

  private async onSegment(event: Extract<EndpointEvent, { type: 'segment' }>, trackSid: string): Promise<void> {
    const { metrics, logger, sink } = this.deps;
    if (!event.last || event.voicedMs >= MIN_PART_VOICED_MS) {
      const started = performance.now();
      try {
        const { text } = await this.deps.stt.transcribe({ pcm: event.audio, sampleRate: VAD_SAMPLE_RATE });
        metrics.sttDuration.observe({ result: 'ok' }, (performance.now() - started) / 1000);
        if (text) this.parts.push(text);
      } catch (error) {
        metrics.sttDuration.observe({ result: 'failed' }, (performance.now() - started) / 1000);
        metrics.voiceUtterances.inc({ result: 'stt_failed' });
        logger.warn({ err: (error as Error).message }, 'speech-to-text failed; segment dropped');
      }
    }
    const text = join(this.parts);
    if (!event.last) {
      if (text) await this.publish(trackSid, text, false);
      return;
    }
    const segmentId = this.segmentId;
    this.parts = [];
    this.segmentId = `v-${randomUUID()}`;
    if (!text) {
      metrics.voiceUtterances.inc({ result: 'empty' });
      return;
    }
    await this.publish(trackSid, text, true, segmentId);
    try {
      const taken = await sink.utterance(this.guest, text, event.endedAt);
      metrics.voiceUtterances.inc({ result: taken ? 'answered' : 'ignored' });
    } catch (error) {
      metrics.voiceUtterances.inc({ result: 'failed' });
      logger.error({ err: (error as Error).message }, 'voice utterance not forwarded');
    }
  }

  private async publish(trackSid: string, text: string, final: boolean, segmentId = this.segmentId): Promise<void> {
    await this.deps.sink
      .transcript(this.guest, trackSid, segmentId, text, final)
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: (error as Error).message }, 'guest transcription send failed'),
      );
  }
}
