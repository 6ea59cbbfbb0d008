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
      this.publishTranscription(sentence, this.voice.queuedMs);
      if (firstOfTurn) this.observeLatency(sentence);
    });
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

  private observeLatency(sentence: SpeechSentenceEvent): void {
    const input = this.pendingInputs.get(sentence.turnId);
    if (!input || input === 'greeting') return;
    const latencyS = (Date.now() - sentence.at) / 1000;
    this.metrics.turnLatency.observe({ input }, latencyS);
    this.metrics.turnOverhead.observe({ input }, Math.max(0, latencyS - (sentence.llmMs + sentence.synthMs) / 1000));
  }

  /** Sent when the sentence's first frame will be heard: after the audio already queued ahead of it. */
  private publishTranscription(sentence: SpeechSentenceEvent, delayMs: number): void {
    const send = () => {
      const participant = this.room.localParticipant;
      if (!participant) return;
      participant
        .sendText(sentence.text, {
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
    };
    if (delayMs > 5) setTimeout(send, delayMs);
    else send();
  }
}
