import type { Redis } from 'ioredis';
import { Keys } from '@dh/contracts';
import type { KeyPrefix } from './redis-connection.js';

/** What a service tells the others about itself with each beat (e.g. dialogue: `{llm: 'offline'}`). */
export type HeartbeatFlags = () => Record<string, unknown>;

/** The value of `heartbeat:<service>`. */
export interface HeartbeatValue {
  pid: number;
  startedAt: number;
  at: number;
  flags: Record<string, unknown>;
}

/**
 * Tells the gateway's health check that this service is alive: a key refreshed every `intervalMs` that
 * expires after three missed beats. Each beat carries the service's current `flags`, read anew each time.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly startedAt = Date.now();

  constructor(
    private readonly redis: Redis,
    private readonly keys: KeyPrefix,
    private readonly service: string,
    private readonly intervalMs = 3_000,
    private readonly flags: HeartbeatFlags = () => ({}),
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(() => undefined), this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.redis.del(this.keys.key(Keys.heartbeat(this.service))).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    const value: HeartbeatValue = {
      pid: process.pid,
      startedAt: this.startedAt,
      at: Date.now(),
      flags: this.readFlags(),
    };
    const key = this.keys.key(Keys.heartbeat(this.service));
    // A beat still on its way when stop() deletes the key must not bring it back.
    if (this.stopped) return;
    await this.redis.set(key, JSON.stringify(value), 'PX', this.intervalMs * 3);
    if (this.stopped) await this.redis.del(key);
  }

  /** Liveness matters more than the flags: a provider that throws costs the flags of this beat, not the beat. */
  private readFlags(): Record<string, unknown> {
    try {
      return this.flags();
    } catch {
      return {};
    }
  }
}
