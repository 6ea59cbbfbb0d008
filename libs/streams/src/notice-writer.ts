import type { Redis } from 'ioredis';
import { type NoticeCode, type NoticeEvent, Streams } from '@dh/contracts';
import type { KeyPrefix } from './redis-connection.js';
import { StreamProducer } from './stream-producer.js';

// The gateway only tails new entries: a short stream is plenty.
const NOTICES_MAX_LEN = 1_000;

/** Simplified Chinese, shown first, and English. */
export interface NoticeText {
  zh: string;
  en: string;
}

/** Writes notices for guests' pages to `stream:notices`, which the gateway sends on to the pages (`/ws`). */
export class NoticeWriter {
  private readonly producer: StreamProducer;

  constructor(redis: Redis, keys: KeyPrefix) {
    this.producer = new StreamProducer(redis, keys, { maxLen: NOTICES_MAX_LEN });
  }

  /** For every guest, or only the guests of `room`, or only guest `identity` of `room`. */
  async write(
    code: NoticeCode,
    text: NoticeText,
    options: { room?: string; identity?: string; atMs?: number } = {},
  ): Promise<void> {
    const event: NoticeEvent = {
      type: 'notice',
      code,
      ...text,
      ...(options.room === undefined ? {} : { room: options.room }),
      ...(options.room === undefined || options.identity === undefined ? {} : { identity: options.identity }),
      at: options.atMs ?? Date.now(),
    };
    await this.producer.add(Streams.notices, event);
  }
}
