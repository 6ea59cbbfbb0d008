import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Keys, type SpeechEndEvent, Streams, type TurnOutcome, TurnOutcomes, type UtteranceEvent } from '@dh/contracts';
import type { KeyPrefix } from '@dh/streams';
import { KEYS, REDIS } from '@dh/runtime';
import type { HistoryEntry } from '../history/history-entry.js';
import { HistoryRepository } from '../history/history.repository.js';
import { type TurnRoute, isTurnRoute } from './turn-route.js';

/** What a previous, interrupted run of a turn got done. */
export interface TurnProgress {
  route: TurnRoute | undefined;
  /** Texts of the sentences already enqueued, by index. */
  sentences: string[];
  /** Set once every sentence of the answer was enqueued: a redelivery only has to finish the turn. */
  outcome: TurnOutcome | undefined;
  /** speech.end and the history were written; only the done marker is missing. */
  finished: boolean;
}

// Long enough for any redelivery (minutes at most), short enough that nothing said lingers for days.
const PROGRESS_TTL_S = 86_400;
// Matches StreamProducer's default trimming of the speech stream.
const SPEECH_STREAM_MAX_LEN = 10_000;

/**
 * A turn's progress in a Redis hash (`turn:<turnId>`): the chosen `route`, `sent` (sentences enqueued) and
 * `s:<index>` (their text), the `outcome` once all are enqueued, `finished`. A process killed mid-turn leaves it behind for the next delivery,
 * which then skips what was already enqueued.
 */
@Injectable()
export class TurnProgressRepository {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(KEYS) private readonly keys: KeyPrefix,
    private readonly history: HistoryRepository,
  ) {}

  async load(turnId: string): Promise<TurnProgress> {
    const hash = await this.redis.hgetall(this.key(turnId));
    const sent = Number(hash.sent ?? 0);
    const sentences: string[] = [];
    for (let i = 0; i < sent; i++) sentences.push(hash[`s:${i}`] ?? '');
    const outcome = (TurnOutcomes as readonly string[]).includes(hash.outcome ?? '')
      ? (hash.outcome as TurnOutcome)
      : undefined;
    return {
      route: isTurnRoute(hash.route) ? hash.route : undefined,
      sentences,
      outcome,
      finished: hash.finished === '1',
    };
  }

  /** Keeps the first route chosen for the turn and returns it. */
  async saveRoute(turnId: string, route: TurnRoute): Promise<TurnRoute> {
    const key = this.key(turnId);
    const replies = await this.redis
      .multi()
      .hsetnx(key, 'route', route)
      .expire(key, PROGRESS_TTL_S)
      .hget(key, 'route')
      .exec();
    const saved = replies?.[2]?.[1];
    return isTurnRoute(saved) ? saved : route;
  }

  /** Called after the sentence's job was added: a crash in between re-adds it, which the job id dedupes. */
  async recordSentence(turnId: string, index: number, text: string): Promise<void> {
    const key = this.key(turnId);
    await this.redis
      .multi()
      .hset(key, `s:${index}`, text, 'sent', String(index + 1))
      .expire(key, PROGRESS_TTL_S)
      .exec();
  }

  async recordOutcome(turnId: string, outcome: TurnOutcome): Promise<void> {
    const key = this.key(turnId);
    await this.redis.multi().hset(key, 'outcome', outcome).expire(key, PROGRESS_TTL_S).exec();
  }

  /** speech.end, the history and the `finished` flag in one transaction: all of them happen, or none. */
  async finish(utterance: UtteranceEvent, end: SpeechEndEvent, entries: HistoryEntry[]): Promise<void> {
    const key = this.key(utterance.turnId);
    const multi = this.redis.multi();
    multi.xadd(
      this.keys.key(Streams.speech),
      'MAXLEN',
      '~',
      String(SPEECH_STREAM_MAX_LEN),
      '*',
      'event',
      JSON.stringify(end),
    );
    this.history.appendTo(multi, utterance.room, entries);
    multi.hset(key, 'finished', '1');
    multi.expire(key, PROGRESS_TTL_S);
    const replies = await multi.exec();
    const failed = replies?.find(([error]) => error !== null)?.[0];
    if (!replies || failed) throw new Error(`finishing the turn failed: ${failed?.message ?? 'transaction aborted'}`);
  }

  async clear(turnId: string): Promise<void> {
    await this.redis.del(this.key(turnId));
  }

  private key(turnId: string): string {
    return this.keys.key(Keys.turnState(turnId));
  }
}
