import { AudioEncoding } from '@livekit/rtc-ffi-bindings';
import {
  AudioSource,
  LocalAudioTrack,
  type LocalParticipant,
  TrackPublishOptions,
  TrackSource,
} from '@livekit/rtc-node';
import type { Pcm } from '@dh/contracts';
import { VOICE_SAMPLE_RATE, voiceFrames } from '../playback/pcm-frames.js';

/**
 * The avatar's one audio track: an AudioSource fed with 20 ms frames, published as a microphone so every
 * LiveKit frontend plays it. Opus without RED: RED resends each packet and doubles the voice's bandwidth.
 */
export class AvatarVoice {
  private readonly source: AudioSource;
  private readonly track: LocalAudioTrack;
  private trackSid = '';

  constructor(
    queueMs: number,
    private readonly kbps: number,
  ) {
    this.source = new AudioSource(VOICE_SAMPLE_RATE, 1, queueMs);
    this.track = LocalAudioTrack.createAudioTrack('avatar-voice', this.source);
  }

  async publish(participant: LocalParticipant): Promise<void> {
    const options = new TrackPublishOptions();
    options.source = TrackSource.SOURCE_MICROPHONE;
    options.red = false;
    options.dtx = true;
    options.audioEncoding = new AudioEncoding({ maxBitrate: BigInt(this.kbps * 1000) });
    const publication = await participant.publishTrack(this.track, options);
    this.trackSid = publication.sid ?? this.track.sid ?? '';
  }

  private generation = 0;

  /** The published track's sid, for `lk.transcribed_track_id`. */
  get sid(): string {
    return this.trackSid;
  }

  /** Audio queued ahead of what listeners hear, in milliseconds. */
  get queuedMs(): number {
    return this.source.queuedDuration;
  }

  /**
   * Queues a sentence's frames; `onFirstFrame` runs as the first frame is queued (for subtitles and latency).
   * Resolves when the last frame is queued, roughly `queuedMs` before it is heard.
   */
  async speak(pcm: Pcm, onFirstFrame: () => void): Promise<void> {
    let first = true;
    const generation = this.generation;
    for (const frame of voiceFrames(pcm)) {
      // Interrupted: the rest of this sentence is not said.
      if (generation !== this.generation) return;
      await this.source.captureFrame(frame);
      if (first) {
        first = false;
        onFirstFrame();
      }
    }
  }

  waitForPlayout(): Promise<void> {
    return this.source.waitForPlayout();
  }

  /** Drops queued audio at once (leaving). */
  clear(): void {
    this.source.clearQueue();
  }

  /** Barge-in: queued audio dropped at once, and a sentence being queued stops there. */
  interrupt(): void {
    this.generation += 1;
    this.source.clearQueue();
  }

  async close(): Promise<void> {
    await this.track.close().catch(() => undefined);
    await this.source.close().catch(() => undefined);
  }
}
