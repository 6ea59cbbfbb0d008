import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Keys } from '@dh/contracts';
import type { KeyPrefix } from '@dh/streams';
import { CONFIG, KEYS, REDIS } from '@dh/runtime';
import type { DialogueConfig } from '../dialogue.config.js';

/** A fixed window per guest and room: the first message opens it, MESSAGE_RATE_LIMIT fit into it. */
@Injectable()
export class MessageRateLimiter {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(KEYS) private readonly keys: KeyPrefix,
    @Inject(CONFIG) private readonly config: DialogueConfig,
  ) {}

  /** Counts one message; true when it is over the limit. */
  async overLimit(room: string, identity: string): Promise<boolean> {
    const key = this.keys.key(Keys.messageRate(room, identity));
    const replies = await this.redis
      .multi()
      .incr(key)
      // NX: only the window's first message sets the expiry, so steady chatter cannot keep the window open.
      .expire(key, this.config.MESSAGE_RATE_WINDOW_S, 'NX')
      .exec();
    const count = Number(replies?.[0]?.[1] ?? 0);
    return count > this.config.MESSAGE_RATE_LIMIT;
  }
}
