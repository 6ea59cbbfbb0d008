import { Inject, Injectable } from '@nestjs/common';
import type { ChainableCommander, Redis } from 'ioredis';
import { Keys } from '@dh/contracts';
import type { KeyPrefix } from '@dh/streams';
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
  ) {
    this.maxEntries = config.HISTORY_TURNS * 2;
  }

  async load(room: string): Promise<HistoryEntry[]> {
    if (this.maxEntries === 0) return [];
    const raw = await this.redis.lrange(this.keys.key(Keys.history(room)), -this.maxEntries, -1);
    return raw.map(parseHistoryEntry).filter((entry): entry is HistoryEntry => entry !== undefined);
  }

  /**
   * A guest spoke over answer `turnId`: its history entry keeps only what was heard, marked as cut off, so the
   * next answer does not assume the guest heard the rest. A no-op when the entry is gone or already cut.
   */
  async cutAnswer(room: string, turnId: string, heard: string): Promise<void> {
    const key = this.keys.key(Keys.history(room));
    const raw = await this.redis.lrange(key, 0, -1);
    for (let i = raw.length - 1; i >= 0; i -= 1) {
      const entry = parseHistoryEntry(raw[i] ?? '');
      if (entry?.role !== 'assistant' || entry.turnId !== turnId) continue;
      const content = `${heard.trim()}${INTERRUPTED_MARK}`;
      if (entry.content !== content) await this.redis.lset(key, i, JSON.stringify({ ...entry, content }));
      return;
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
