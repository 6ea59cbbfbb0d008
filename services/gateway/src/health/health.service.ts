import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Keys } from '@dh/contracts';
import type { KeyPrefix } from '@dh/streams';
import { KEYS, REDIS } from '@dh/runtime';
import { TimeoutError, withTimeout } from '../common/with-timeout.js';
import { LiveKitRooms } from '../livekit/livekit-rooms.client.js';

/** Each check answers within this, so the whole report takes about as long as the slowest one. */
const CHECK_TIMEOUT_MS = 1_500;

/** Redis, LiveKit, and the services whose heartbeat the gateway looks for (its own liveness is that it answers). */
export type CheckName = 'redis' | 'livekit' | 'dialogue' | 'tts' | 'media';
/** "ok", or a short reason: "timeout", "unreachable", "no heartbeat". */
export type CheckResult = string;

export interface HealthReport {
  /** "degraded": Redis and LiveKit answer but a service is missing; "error": Redis or LiveKit does not. */
  status: 'ok' | 'degraded' | 'error';
  checks: Record<CheckName, CheckResult>;
}

function reason(error: unknown): string {
  return error instanceof TimeoutError ? 'timeout' : 'unreachable';
}

async function check(work: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await withTimeout(work(), CHECK_TIMEOUT_MS, 'health check');
  } catch (error) {
    return reason(error);
  }
}

/** `GET /api/health`: Redis, LiveKit and the heartbeat of each service, checked in parallel. */
@Injectable()
export class HealthService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(KEYS) private readonly keys: KeyPrefix,
    private readonly rooms: LiveKitRooms,
  ) {}

  async report(): Promise<HealthReport> {
    const [redis, livekit, dialogue, tts, media] = await Promise.all([
      check(async () => ((await this.redis.ping()) === 'PONG' ? 'ok' : 'unexpected reply')),
      check(async () => {
        await this.rooms.ping();
        return 'ok';
      }),
      check(() => this.heartbeat('dialogue')),
      check(() => this.heartbeat('tts')),
      check(() => this.heartbeat('media')),
    ]);
    const services = [dialogue, tts, media];
    const status = redis !== 'ok' || livekit !== 'ok' ? 'error' : services.every((s) => s === 'ok') ? 'ok' : 'degraded';
    return { status, checks: { redis, livekit, dialogue, tts, media } };
  }

  private async heartbeat(service: Exclude<CheckName, 'redis' | 'livekit'>): Promise<CheckResult> {
    return (await this.redis.exists(this.keys.key(Keys.heartbeat(service)))) === 1 ? 'ok' : 'no heartbeat';
  }
}
