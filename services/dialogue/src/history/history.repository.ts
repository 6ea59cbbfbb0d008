import { Inject, Injectable } from '@nestjs/common';
import type { ChainableCommander, Redis } from 'ioredis';
import { Keys } from '@dh/contracts';
import { type KeyPrefix, TurnCancels } from '@dh/streams';
import { CONFIG, KEYS, REDIS } from '@dh/runtime';
import type { DialogueConfig } from '../dialogue.config.js';
import { type HistoryEntry, parseHistoryEntry } from './history-entry.js';

/** Ends an answer cut off by the guest: the model sees it was interrupted there. */
export const INTERRUPTED_MARK = '……（被打断）';

/**
 * A room's recent exchanges: a Redis list of JSON messages, trimmed to HISTORY_TURNS exchanges and expiring
 * HISTORY_TTL_S after the last turn, so nothing a guest said outlives the conversation by much.
 */
@Injectable()
export class HistoryRepository {
  private readonly maxEntries: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(KEYS) private readonly keys: KeyPrefix,
    @Inject(CONFIG) private readonly config: DialogueConfig,
    private readonly cancels: TurnCancels,
  ) {
    this.maxEntries = config.HISTORY_TURNS * 2;
  }

  async load(room: string): Promise<HistoryEntry[]> {
    if (this.maxEntries === 0) return [];
    const raw = await this.redis.lrange(this.keys.key(Keys.history(room)), -this.maxEntries, -1);
    return raw.map(parseHistoryEntry).filter((entry): entry is HistoryEntry => entry !== undefined);
  }

  /**
   * Answers a guest spoke over (barge-in, marked by media in TurnCancels) keep only what was heard, marked as cut
   * off, so the next answer does not assume the guest heard the rest. Runs before each turn of the room, whatever
   * the guest does next (speak again, type, or nothing for a while): one LRANGE and one MGET.
   */
  async cutInterruptedAnswers(room: string): Promise<void> {
    if (this.maxEntries === 0) return;
    const key = this.keys.key(Keys.history(room));
    const raw = await this.redis.lrange(key, 0, -1);
    const answers = raw.flatMap((line, index) => {
      const entry = parseHistoryEntry(line);
      return entry?.role === 'assistant' && entry.turnId && !entry.content.endsWith(INTERRUPTED_MARK)
        ? [{ index, entry, turnId: entry.turnId }]
        : [];
    });
    const heard = await this.cancels.heard(answers.map((answer) => answer.turnId));
    for (const [i, { index, entry }] of answers.entries()) {
      const words = heard[i];
      if (words === null || words === undefined) continue;
      await this.redis.lset(key, index, JSON.stringify({ ...entry, content: `${words.trim()}${INTERRUPTED_MARK}` }));
    }
  }

  /** Queues the append on `multi`, so it commits together with the end of the turn. */
  appendTo(multi: ChainableCommander, room: string, entries: HistoryEntry[]): void {
    if (entries.length === 0 || this.maxEntries === 0) return;
    const key = this.keys.key(Keys.history(room));
    multi.rpush(key, ...entries.map((entry) => JSON.stringify(entry)));
    multi.ltrim(key, -this.maxEntries, -1);
    multi.expire(key, this.config.HISTORY_TTL_S);
  }
}
