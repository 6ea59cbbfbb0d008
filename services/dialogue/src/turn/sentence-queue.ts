import { Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { TTS_JOB_OPTIONS, TTS_QUEUE, TtsJobData, bullPrefix, ttsJobId, ttsJobPriority } from '@dh/contracts';
import type { KeyPrefix } from '@dh/streams';
import { KEYS, REDIS } from '@dh/runtime';

/**
 * The producer side of the `tts` BullMQ queue. Job ids are (turn, index), so adding a sentence of a
 * redelivered turn again is a no-op while the first job is kept.
 */
@Injectable()
export class SentenceQueue {
  readonly queue: Queue<TtsJobData, void, 'sentence'>;

  constructor(@Inject(REDIS) redis: Redis, @Inject(KEYS) keys: KeyPrefix) {
    // The shared command connection: a Queue never blocks, and BullMQ leaves a caller's client open on close.
    this.queue = new Queue<TtsJobData, void, 'sentence'>(TTS_QUEUE, {
      connection: redis,
      prefix: bullPrefix(keys.prefix),
    });
  }

  async add(job: TtsJobData): Promise<void> {
    // Validated here so that a bad sentence fails in dialogue, with the turn at hand, not in the tts worker.
    const data = TtsJobData(job, '$');
    await this.queue.add('sentence', data, {
      ...TTS_JOB_OPTIONS,
      jobId: ttsJobId(data.turnId, data.index),
      priority: ttsJobPriority(data.index),
    });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
