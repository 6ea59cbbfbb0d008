import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { cleanGuestText, truncateChars } from '@dh/contracts';
import type { Logger, ServiceMetrics } from '@dh/observability';
import { type KeyPrefix, StreamProducer, UtteranceWriter } from '@dh/streams';
import { KEYS, LOGGER, METRICS, REDIS } from '@dh/runtime';
import type { FeedGuest } from './feed-session.js';

/** As media: the event's cap; the dialogue refuses politely anything over its own, smaller, limit. */
const UTTERANCE_TEXT_MAX = 4000;
/** The contract's cap on an utterance's name; tokens of ours carry at most 32 characters. */
const NAME_MAX = 64;

/**
 * What a guest types when WebRTC cannot connect: cleaned like media cleans lk.chat, then numbered and
 * written as an utterance exactly as media writes it, so the dialogue cannot tell the two apart.
 */
@Injectable()
export class TextFallback {
  private readonly writer: UtteranceWriter;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(KEYS) keys: KeyPrefix,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.writer = new UtteranceWriter(redis, keys, new StreamProducer(redis, keys));
  }

  /** false when there was nothing to say (empty after cleaning). Throws when Redis does not take it. */
  async say(guest: FeedGuest, raw: string): Promise<boolean> {
    const { text } = cleanGuestText(raw);
    if (text.length === 0) {
      this.metrics.chatMessages.inc({ result: 'empty' });
      return false;
    }
    const event = await this.writer.write({
      room: guest.room,
      identity: guest.identity,
      name: truncateChars(guest.name, NAME_MAX),
      input: 'text',
      text: truncateChars(text, UTTERANCE_TEXT_MAX),
    });
    this.metrics.chatMessages.inc({ result: 'accepted' });
    this.logger.info({ room: event.room, turnId: event.turnId, seq: event.seq, input: 'text' }, 'utterance sent');
    return true;
  }
}
