import { type ConfigOf, integer, livekitConfig, logConfig, metricsConfig, redisConfig, string } from '@dh/config';

export const mediaConfigSpec = {
  ...redisConfig,
  ...logConfig,
  ...metricsConfig(9464),
  ...livekitConfig,
  /** Stable consumer name, so a restarted media finds the speech entries it had not finished. */
  MEDIA_CONSUMER: string({ default: 'media-1', pattern: /^[A-Za-z0-9_.-]{1,64}$/, hint: 'a short name' }),
  /** Seconds the avatar stays in a room after the last guest left (a reload or a brief drop comes back). */
  ROOM_IDLE_LEAVE_S: integer({ default: 20, min: 1, max: 3600 }),
  /** Longest guest message accepted on lk.chat, in bytes; longer streams are ignored. */
  CHAT_MAX_BYTES: integer({ default: 16_384, min: 256, max: 1_048_576 }),
  /** Unanswered messages a guest may have queued; more are ignored until the avatar catches up. */
  CHAT_MAX_PENDING_PER_GUEST: integer({ default: 3, min: 1, max: 50 }),
  /** Speech older than this is not played (e.g. replayed after an outage): the moment has passed. */
  SPEECH_STALE_MS: integer({ default: 120_000, min: 5_000, max: 3_600_000 }),
  /** A turn that makes no progress for this long is given up so the room is not stuck behind it. */
  TURN_STALL_MS: integer({ default: 45_000, min: 1_000, max: 600_000 }),
  /** How much audio the avatar's AudioSource buffers ahead of playout. */
  AUDIO_QUEUE_MS: integer({ default: 400, min: 100, max: 5_000 }),
};

export type MediaConfig = ConfigOf<typeof mediaConfigSpec>;
