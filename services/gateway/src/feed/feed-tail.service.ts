import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AVATAR_IDENTITY, NoticeEvent, Streams, parseJson, parseSpeechEvent } from '@dh/contracts';
import type { Logger } from '@dh/observability';
import { type KeyPrefix, createRedis } from '@dh/streams';
import { CONFIG, KEYS, LOGGER } from '@dh/runtime';
import type { GatewayConfig } from '../gateway.config.js';
import { FeedRooms } from './feed-rooms.js';

/** Longest a read waits; the loop only checks whether it should stop this often. */
const BLOCK_MS = 5_000;
const BATCH = 100;
const RETRY_MS = 1_000;

type XReadReply = [stream: string, entries: [id: string, fields: string[]][]][] | null;

function eventField(fields: string[]): string | undefined {
  const at = fields.indexOf('event');
  return at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
}

/**
 * Tails stream:speech (the avatar's sentences, for the text fallback) and stream:notices with a plain XREAD
 * BLOCK on a connection of its own: no consumer group, so every gateway instance sees every entry and there
 * is nothing to acknowledge. It starts after the newest entry, like `$`, but carries on from the last id it
 * read, so that nothing added between two reads is missed.
 */
@Injectable()
export class FeedTail implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private redis: Redis | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(KEYS) private readonly keys: KeyPrefix,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly rooms: FeedRooms,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const redis = createRedis(this.config.REDIS_URL, { connectionName: 'gateway:feed', blocking: true });
    this.redis = redis;
    const speech = this.keys.key(Streams.speech);
    const notices = this.keys.key(Streams.notices);
    const ids = { [speech]: await this.newest(redis, speech), [notices]: await this.newest(redis, notices) };
    this.running = this.loop(redis, ids, speech);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    // A blocked XREAD cannot be interrupted politely; dropping the connection ends it at once.
    this.redis?.disconnect();
    await this.running;
  }

  private async newest(redis: Redis, key: string): Promise<string> {
    const [last] = await redis.xrevrange(key, '+', '-', 'COUNT', 1);
    return last?.[0] ?? '0-0';
  }

  private async loop(redis: Redis, ids: Record<string, string>, speechKey: string): Promise<void> {
    const keys = Object.keys(ids);
    while (!this.stopped) {
      let reply: XReadReply;
      try {
        reply = await redis.xread(
          'COUNT',
          BATCH,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          ...keys,
          ...keys.map((key) => ids[key]!),
        );
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn({ err: (error as Error).message }, 'feed tail read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        continue;
      }
      for (const [key, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          ids[key] = id;
          // Nobody on /ws: nothing to parse for.
          if (this.rooms.empty) continue;
          const raw = eventField(fields);
          if (raw === undefined) continue;
          if (key === speechKey) this.speech(raw);
          else this.notice(raw);
        }
      }
    }
  }

  private speech(raw: string): void {
    let event;
    try {
      event = parseSpeechEvent(raw);
    } catch {
      return; // media dead-letters what it cannot read; here it is simply not shown
    }
    if (event.type === 'speech.end') return this.rooms.answerEnd(event.room, event.seq, event.sentences);
    this.rooms.transcript(event.room, event.seq, event.index, {
      type: 'transcript',
      segmentId: `${event.turnId}-${event.index}`,
      text: event.text,
      final: true,
      from: AVATAR_IDENTITY,
    });
  }

  private notice(raw: string): void {
    let event: NoticeEvent;
    try {
      event = parseJson(NoticeEvent, raw);
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'invalid notice ignored');
      return;
    }
    this.rooms.send(event.room, { type: 'notice', code: event.code, zh: event.zh, en: event.en }, event.identity);
  }
}
