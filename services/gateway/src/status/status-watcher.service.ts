import { Inject, Injectable, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Keys } from '@dh/contracts';
import type { Logger } from '@dh/observability';
import type { KeyPrefix } from '@dh/streams';
import { KEYS, LOGGER, REDIS } from '@dh/runtime';
import { withTimeout } from '../common/with-timeout.js';
import { STATUS_SERVICES, type StackStatus, sameStatus, statusFromHeartbeats } from './stack-status.js';

/** Heartbeats are written every 3 s; reading them as often keeps guests' pages at most one beat behind. */
export const STATUS_POLL_MS = 3_000;

/** Redis answers in milliseconds; a poll that takes longer counts as Redis being away. */
const READ_TIMEOUT_MS = 1_000;

export type StatusListener = (status: StackStatus, previous: StackStatus) => void;

/**
 * Reads the other services' heartbeats (one MGET) for /api/config on each request, and every few seconds for
 * the /ws feed, telling listeners when something a guest would notice changed.
 */
@Injectable()
export class StatusWatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private current: StackStatus = statusFromHeartbeats([null, null, null]);
  private readonly listeners = new Set<StatusListener>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(KEYS) private readonly keys: KeyPrefix,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The status as of the last poll. */
  get status(): StackStatus {
    return this.current;
  }

  /** Read now; throws when Redis does not answer. */
  async read(): Promise<StackStatus> {
    const values = await this.redis.mget(STATUS_SERVICES.map((service) => this.keys.key(Keys.heartbeat(service))));
    return statusFromHeartbeats(values);
  }

  onChange(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), STATUS_POLL_MS);
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Polls now (a new /ws client must not get a status up to one poll old) and returns the result. */
  async refresh(): Promise<StackStatus> {
    await this.poll();
    return this.current;
  }

  private async poll(): Promise<void> {
    let next: StackStatus;
    try {
      next = await withTimeout(this.read(), READ_TIMEOUT_MS, 'status');
    } catch (error) {
      // Without Redis nothing works: unhealthy, and what else was known stays as it was.
      this.logger.debug({ err: (error as Error).message }, 'status poll failed');
      next = { ...this.current, healthy: false };
    }
    const previous = this.current;
    this.current = next;
    if (sameStatus(previous, next)) return;
    for (const listener of this.listeners) listener(next, previous);
  }
}
