import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Keys } from '@dh/contracts';
import { type KeyPrefix, execAll } from '@dh/streams';
import { CONFIG, KEYS, REDIS } from '@dh/runtime';
import type { GatewayConfig } from '../gateway.config.js';

/**
 * Places held for guests who have a token but have not connected yet: a sorted set, member = identity,
 * score = expiry in ms. Without it, ten people joining within a second would all see an empty house.
 */
@Injectable()
export class GuestReservations {
  private readonly key: string;
  private readonly reservationMs: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(KEYS) keys: KeyPrefix,
    @Inject(CONFIG) config: GatewayConfig,
  ) {
    this.key = keys.key(Keys.pendingGuests);
    this.reservationMs = config.JOIN_RESERVATION_S * 1000;
  }

  /** Identities still holding a place; expired ones and those who have connected are dropped. */
  async live(connected: ReadonlySet<string>, now = Date.now()): Promise<string[]> {
    const [, members] = (await execAll(
      this.redis.multi().zremrangebyscore(this.key, '-inf', now).zrange(this.key, 0, -1),
    )) as [number, string[]];
    const arrived = members.filter((identity) => connected.has(identity));
    if (arrived.length > 0) await this.redis.zrem(this.key, ...arrived);
    return members.filter((identity) => !connected.has(identity));
  }

  async reserve(identity: string, now = Date.now()): Promise<void> {
    // Every member expires reservationMs after it was added, so the newest decides when the whole set may go.
    await execAll(
      this.redis
        .multi()
        .zadd(this.key, now + this.reservationMs, identity)
        .pexpire(this.key, this.reservationMs + 1_000),
    );
  }

  async release(identity: string): Promise<void> {
    await this.redis.zrem(this.key, identity);
  }
}
