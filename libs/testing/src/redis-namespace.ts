import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A key prefix of its own on the shared test Redis (`test:<uuid>:`), so test files run in parallel without
 * seeing each other; `cleanup` deletes every key under it.
 */
export class RedisNamespace {
  readonly prefix = `test:${randomUUID()}:`;
  readonly url = TEST_REDIS_URL;
  readonly redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 3, lazyConnect: false });

  key(name: string): string {
    return `${this.prefix}${name}`;
  }

  async cleanup(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await this.redis.unlink(...keys);
    } while (cursor !== '0');
    this.redis.disconnect();
  }
}
