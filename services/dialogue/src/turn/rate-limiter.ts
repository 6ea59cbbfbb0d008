import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Keys } from '@dh/contracts';
import { type KeyPrefix, countInWindow } from '@dh/streams';
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
    const { count } = await countInWindow(
      this.redis,
      this.keys.key(Keys.messageRate(room, identity)),
      this.config.MESSAGE_RATE_WINDOW_S,
    );
    return count > this.config.MESSAGE_RATE_LIMIT;
  }
}
