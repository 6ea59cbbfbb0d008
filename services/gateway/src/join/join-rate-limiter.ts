import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Keys } from '@dh/contracts';
import type { KeyPrefix } from '@dh/streams';
import { CONFIG, KEYS, REDIS } from '@dh/runtime';
import type { GatewayConfig } from '../gateway.config.js';
import { execAll } from '../common/redis-exec.js';

/** IPv4 clients of a dual-stack socket appear as `::ffff:a.b.c.d`; one address, one counter. */
export function normalizeAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * Fixed-window count of joins per client address in Redis, shared by every gateway replica. Returns null
 * when the join may go ahead, else the seconds until the window ends.
 */
@Injectable()
export class JoinRateLimiter {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(KEYS) private readonly keys: KeyPrefix,
    @Inject(CONFIG) private readonly config: GatewayConfig,
  ) {}

  async hit(address: string): Promise<number | null> {
    const key = this.keys.key(Keys.joinRate(address));
    const windowS = this.config.JOIN_RATE_WINDOW_S;
    // EXPIRE NX in the same transaction: the window starts at the first join and the key never outlives it.
    const [count, , ttl] = (await execAll(this.redis.multi().incr(key).expire(key, windowS, 'NX').ttl(key))) as [
      number,
      number,
      number,
    ];
    if (count <= this.config.JOIN_RATE_LIMIT) return null;
    return ttl > 0 ? ttl : windowS;
  }
}
