import type { Redis } from 'ioredis';
import { execAll } from './redis-exec.js';

export interface WindowCount {
  /** Hits in the current window, this one included. */
  count: number;
  /** Seconds until the window ends. */
  ttlS: number;
}

/**
 * Counts one hit in a fixed window that opens with the first hit. EXPIRE NX in the same transaction: steady
 * traffic cannot keep a window open, and the key never outlives it.
 */
export async function countInWindow(redis: Redis, key: string, windowS: number): Promise<WindowCount> {
  const [count, , ttl] = (await execAll(redis.multi().incr(key).expire(key, windowS, 'NX').ttl(key))) as [
    number,
    number,
    number,
  ];
  return { count, ttlS: ttl > 0 ? ttl : windowS };
}
