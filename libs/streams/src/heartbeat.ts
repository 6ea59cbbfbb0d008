import type { Redis } from 'ioredis';
import { Keys } from '@dh/contracts';
import type { KeyPrefix } from './redis-connection.js';

/**
 * Tells the gateway's health check that this service is alive: a key refreshed every `intervalMs` that
 * expires after three missed beats.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();

  constructor(
    private readonly redis: Redis,
    private readonly keys: KeyPrefix,
    private readonly service: string,
    private readonly intervalMs = 3_000,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(() => undefined), this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.del(this.keys.key(Keys.heartbeat(this.service))).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    const value = JSON.stringify({ pid: process.pid, startedAt: this.startedAt, at: Date.now() });
    await this.redis.set(this.keys.key(Keys.heartbeat(this.service)), value, 'PX', this.intervalMs * 3);
  }
}
