import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { SpeechSentenceEvent, Streams, type TtsJobData } from '@dh/contracts';
import { type KeyPrefix, StreamProducer } from '@dh/streams';
import { KEYS, REDIS } from '@dh/runtime';

/** The audio side of a sentence event; `audioKey` null when synthesis finally failed. */
export interface SentenceAudio {
  audioKey: string | null;
  sampleRate: number;
  synthMs: number;
}

/** Tells media that a sentence is ready to play (or, with no audio, to show as a subtitle and move on). */
@Injectable()
export class SpeechPublisher {
  private readonly producer: StreamProducer;

  constructor(@Inject(REDIS) redis: Redis, @Inject(KEYS) keys: KeyPrefix) {
    this.producer = new StreamProducer(redis, keys);
  }

  /** Returns the stream entry id. The event is validated here too, so a drift from the contract fails loudly. */
  async publishSentence(job: TtsJobData, audio: SentenceAudio): Promise<string> {
    const event = SpeechSentenceEvent(
      {
        type: 'speech.sentence',
        turnId: job.turnId,
        room: job.room,
        seq: job.seq,
        index: job.index,
        text: job.text,
        audioKey: audio.audioKey,
        sampleRate: audio.sampleRate,
        llmMs: job.llmMs,
        synthMs: audio.synthMs,
        at: job.at,
      },
      '$',
    );
    return this.producer.add(Streams.speech, event);
  }
}
