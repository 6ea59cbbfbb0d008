import type { Redis } from 'ioredis';
import { Keys } from '@dh/contracts';
import type { KeyPrefix } from './redis-connection.js';

/**
 * As long as the room's turn counter: the mark also tells the dialogue, at the room's next turn, what of the
 * answer was heard, and that next turn may come long after (a conversation's history lives up to
 * HISTORY_TTL_S after its last turn).
 */
const CANCEL_TTL_S = 86_400;
/** What was heard is kept to the utterance text's own cap. */
const HEARD_MAX_CHARS = 4_000;

/**
 * Answers a guest spoke over (barge-in): media marks the turn with what of it the guest heard; dialogue stops
 * writing it and, at the room's next turn, cuts its history entry to what was heard; tts skips its sentences
 * not yet voiced. One key per turn.
 */
export class TurnCancels {
  constructor(
    private readonly redis: Redis,
    private readonly keys: KeyPrefix,
  ) {}

  async cancel(turnId: string, heard = ''): Promise<void> {
    const text = Array.from(heard).slice(0, HEARD_MAX_CHARS).join('');
    await this.redis.set(this.keys.key(Keys.turnCancelled(turnId)), text, 'EX', CANCEL_TTL_S);
  }

  async isCancelled(turnId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.key(Keys.turnCancelled(turnId)))) === 1;
  }

  /** For each turn, what of it was heard when it was cut off, or null when it was not cut off. One MGET. */
  async heard(turnIds: readonly string[]): Promise<(string | null)[]> {
    if (turnIds.length === 0) return [];
    return this.redis.mget(turnIds.map((id) => this.keys.key(Keys.turnCancelled(id))));
  }
}
