import type { Room } from '@livekit/rtc-node';
import { type Pcm, type SpeechSentenceEvent, Topics, TranscriptionAttributes } from '@dh/contracts';
import type { Logger, ServiceMetrics } from '@dh/observability';
import type { SentenceSink } from '../playback/turn-player.js';
import type { AgentStateReporter } from './agent-state.js';
import type { AvatarVoice } from './avatar-voice.js';

/**
 * What playing a sentence means in a room: its audio into the avatar's voice, its words on
 * `lk.transcription` at the moment they are heard, the agent state, and the turn's latency.
 */
export class RoomSink implements SentenceSink {
  private pendingInputs = new Map<string, 'text' | 'voice' | 'greeting'>();
  private idleCheck = 0;
  /** The sentences of the turn being spoken, with when each is heard: what a barge-in cuts. */
  private playing: { turnId: string; sentences: HeardSentence[] } = { turnId: '', sentences: [] };
  /** Subtitles waiting for their sentence to be heard. */
  private readonly subtitleTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly room: Room,
    private readonly voice: AvatarVoice,
    private readonly agentState: AgentStateReporter,
    private readonly metrics: ServiceMetrics,
    private readonly logger: Logger,
  ) {}

  /** Remembers how a turn began (text, voice, greeting) for its latency metric. */
  noteInput(turnId: string, input: 'text' | 'voice' | 'greeting'): void {
    this.pendingInputs.set(turnId, input);
  }

  async play(sentence: SpeechSentenceEvent, audio: Pcm | null, firstOfTurn: boolean): Promise<void> {
    this.idleCheck += 1;
    this.agentState.set('speaking');
    if (!audio) {
      // Synthesis failed for good: the guest still reads the answer.
      this.publishTranscription(sentence, 0);
      if (firstOfTurn) this.observeLatency(sentence);
      return;
    }
    await this.voice.speak(audio, () => {
      const aheadMs = this.voice.queuedMs;
      this.track(sentence, Date.now() + aheadMs, (audio.samples.length / 2 / audio.sampleRate) * 1000);
      this.publishTranscription(sentence, aheadMs);
      if (firstOfTurn) this.observeLatency(sentence);
    });
  }

  /**
   * Barge-in on turn `turnId`: the voice stops now, subtitles not yet heard are dropped, the sentence being
   * heard is cut where the voice stopped (its subtitle shortened), and the words heard are returned.
   */
  interrupt(turnId: string, at = Date.now()): string {
    this.voice.interrupt();
    for (const timer of this.subtitleTimers) clearTimeout(timer);
    this.subtitleTimers.clear();
    this.idleCheck += 1;
    this.agentState.set('listening');
    if (this.playing.turnId !== turnId) return '';
    const heard: string[] = [];
    for (const sentence of this.playing.sentences) {
      if (at >= sentence.startsAt + sentence.durationMs) {
        heard.push(sentence.event.text);
      } else if (at > sentence.startsAt) {
        const part = cutAt(sentence.event.text, (at - sentence.startsAt) / sentence.durationMs);
        heard.push(part);
        this.sendTranscription(sentence.event, part);
      }
    }
    this.playing = { turnId: '', sentences: [] };
    return heard.join('');
  }

  waiting(): void {
    if (this.agentState.state !== 'speaking') this.agentState.set('thinking');
  }

  idle(): void {
    const check = ++this.idleCheck;
    // Listening once the last queued audio has been heard, unless something new started meanwhile.
    void this.voice.waitForPlayout().then(() => {
      if (check === this.idleCheck) this.agentState.set('listening');
    });
  }

  turnFinished(turnId: string): void {
    this.pendingInputs.delete(turnId);
  }

  private track(event: SpeechSentenceEvent, startsAt: number, durationMs: number): void {
    if (this.playing.turnId !== event.turnId) this.playing = { turnId: event.turnId, sentences: [] };
    this.playing.sentences.push({ event, startsAt, durationMs });
  }

  private observeLatency(sentence: SpeechSentenceEvent): void {
    const input = this.pendingInputs.get(sentence.turnId);
    if (!input || input === 'greeting') return;
    const latencyS = (Date.now() - sentence.at) / 1000;
    this.metrics.turnLatency.observe({ input }, latencyS);
    this.metrics.turnOverhead.observe({ input }, Math.max(0, latencyS - (sentence.llmMs + sentence.synthMs) / 1000));
  }

  /** Sent when the sentence's first frame will be heard: after the audio already queued ahead of it. */
  private publishTranscription(sentence: SpeechSentenceEvent, delayMs: number): void {
    if (delayMs <= 5) return this.sendTranscription(sentence, sentence.text);
    const timer = setTimeout(() => {
      this.subtitleTimers.delete(timer);
      this.sendTranscription(sentence, sentence.text);
    }, delayMs);
    this.subtitleTimers.add(timer);
  }

  private sendTranscription(sentence: SpeechSentenceEvent, text: string): void {
    const participant = this.room.localParticipant;
    if (!participant) return;
    participant
      .sendText(text, {
        topic: Topics.transcription,
        attributes: {
          [TranscriptionAttributes.trackId]: this.voice.sid,
          [TranscriptionAttributes.segmentId]: `${sentence.turnId}-${sentence.index}`,
          [TranscriptionAttributes.final]: 'true',
        },
      })
      .catch((error: unknown) =>
        this.logger.warn({ turnId: sentence.turnId, err: (error as Error).message }, 'transcription send failed'),
      );
  }
}

interface HeardSentence {
  event: SpeechSentenceEvent;
  /** When its first frame reaches listeners (epoch ms). */
  startsAt: number;
  durationMs: number;
}

/** The first `fraction` of a sentence's characters: roughly what was said when the voice stopped. */
function cutAt(text: string, fraction: number): string {
  const chars = Array.from(text);
  return chars.slice(0, Math.max(1, Math.round(chars.length * Math.min(1, fraction)))).join('');
}
