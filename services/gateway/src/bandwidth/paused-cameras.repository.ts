import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Keys } from '@dh/contracts';
import { KEYS, REDIS } from '@dh/runtime';
import { type KeyPrefix, execAll } from '@dh/streams';

/** Long past any pause; a camera still listed then is long gone (LiveKit's track ids are never reused). */
const PAUSED_TTL_S = 86_400;

export interface PausedCamera {
  room: string;
  identity: string;
  sid: string;
}

/**
 * The guest cameras the governor muted, in Redis: when video resumes only these are unmuted (never a camera a
 * guest muted themselves), also by a gateway that restarted meanwhile or by another replica.
 */
@Injectable()
export class PausedCamerasRepository {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(KEYS) private readonly keys: KeyPrefix,
  ) {}

  async add(camera: PausedCamera): Promise<void> {
    const key = this.keys.key(Keys.pausedCameras);
    await execAll(this.redis.multi().sadd(key, JSON.stringify(camera)).expire(key, PAUSED_TTL_S));
  }

  async list(): Promise<PausedCamera[]> {
    const members = await this.redis.smembers(this.keys.key(Keys.pausedCameras));
    return members.flatMap((member) => {
      try {
        const { room, identity, sid } = JSON.parse(member) as Partial<PausedCamera>;
        return typeof room === 'string' && typeof identity === 'string' && typeof sid === 'string'
          ? [{ room, identity, sid }]
          : [];
      } catch {
        return [];
      }
    });
  }

  async clear(): Promise<void> {
    await this.redis.del(this.keys.key(Keys.pausedCameras));
  }
}
