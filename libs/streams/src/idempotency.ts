import type { Redis } from 'ioredis';
import type { KeyPrefix } from './redis-connection.js';

/**
 * Markers that a side effect happened, so that a redelivered entry never yields a second answer. Each
 * marker expires (`ttlS`): it only has to outlive redelivery, which happens within minutes.
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: KeyPrefix,
  ) {}

  async isDone(id: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.key(`done:${id}`))) === 1;
  }

  async markDone(id: string, ttlS: number): Promise<void> {
    await this.redis.set(this.keys.key(`done:${id}`), '1', 'EX', ttlS);
  }

  /** Claims `id` once: true for the first caller within `ttlS`, false for everyone after. */
  async claimOnce(id: string, ttlS: number): Promise<boolean> {
    return (await this.redis.set(this.keys.key(`once:${id}`), '1', 'EX', ttlS, 'NX')) === 'OK';
  }
}
