import type { Redis } from 'ioredis';
import { Keys } from '@dh/contracts';
import type { KeyPrefix } from './redis-connection.js';

/** Long enough for any answer still being written or voiced; nothing needs the mark afterwards. */
const CANCEL_TTL_S = 600;

/**
 * Answers a guest spoke over (barge-in): media marks the turn, dialogue stops writing it at the next sentence,
 * tts skips its sentences not yet voiced. One key per turn, checked with EXISTS.
 */
export class TurnCancels {
  constructor(
    private readonly redis: Redis,
    private readonly keys: KeyPrefix,
  ) {}

  async cancel(turnId: string): Promise<void> {
    await this.redis.set(this.keys.key(Keys.turnCancelled(turnId)), '1', 'EX', CANCEL_TTL_S);
  }

  async isCancelled(turnId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.key(Keys.turnCancelled(turnId)))) === 1;
  }
}
