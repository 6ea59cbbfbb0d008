import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AvatarRequestEvent, Streams } from '@dh/contracts';
import { IdempotencyStore, type KeyPrefix, StreamProducer } from '@dh/streams';
import { KEYS, REDIS } from '@dh/runtime';

/** Several guests joining a new room within this long cause one request, not one each. */
const REQUEST_INTERVAL_S = 10;

/** Asks media, through Redis and never by a direct call, to bring the avatar into a room. */
@Injectable()
export class AvatarRequester {
  private readonly producer: StreamProducer;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(KEYS) keys: KeyPrefix,
    private readonly once: IdempotencyStore,
  ) {
    // Requests are only useful for seconds; a short stream is plenty.
    this.producer = new StreamProducer(redis, keys, { maxLen: 1_000 });
  }

  /** Returns whether a request was sent (false: one went out for this room within the last few seconds). */
  async request(room: string): Promise<boolean> {
    if (!(await this.once.claimOnce(`avatar-request:${room}`, REQUEST_INTERVAL_S))) return false;
    const event = AvatarRequestEvent({ type: 'avatar.request', room, at: Date.now() }, '$');
    await this.producer.add(Streams.avatarRequests, event);
    return true;
  }
}
