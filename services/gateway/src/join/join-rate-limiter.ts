import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Keys } from '@dh/contracts';
import { type KeyPrefix, countInWindow } from '@dh/streams';
import { CONFIG, KEYS, REDIS } from '@dh/runtime';
import type { GatewayConfig } from '../gateway.config.js';

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
    const { count, ttlS } = await countInWindow(
      this.redis,
      this.keys.key(Keys.joinRate(address)),
      this.config.JOIN_RATE_WINDOW_S,
    );
    return count <= this.config.JOIN_RATE_LIMIT ? null : ttlS;
  }
}
