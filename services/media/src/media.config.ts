import {
  ConfigError,
  type ConfigOf,
  type VarSpec,
  integer,
  livekitConfig,
  logConfig,
  metricsConfig,
  optionalString,
  redisConfig,
  secret,
  string,
  url,
} from '@dh/config';

/** An http(s) URL, or undefined when unset or empty (the feature it enables is then off). */
function optionalHttpUrl(): VarSpec<string | undefined> {
  return {
    read(name, env) {
      if (!env[name]?.trim()) return undefined;
      return url({ default: '', protocols: ['http', 'https'] }).read(name, env);
    },
  };
}

/** The STT model: required as soon as STT_BASE_URL is set, so voice input never starts half-configured. */
function sttModel(): VarSpec<string | undefined> {
  return {
    read(name, env) {
      const model = env[name]?.trim();
      if (env.STT_BASE_URL?.trim() && !model)
        throw new ConfigError(name, 'is required when STT_BASE_URL is set (e.g. FunAudioLLM/SenseVoiceSmall)');
      return model || undefined;
    },
  };
}

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
  /**
   * The avatar's Opus bitrate. Speech needs far less than libwebrtc's 32 kbit/s default, and every guest receives
   * it plus ~25 kbit/s of packet headers (50 packets a second): what one guest costs the 4 Mbit/s link.
   */
  AVATAR_VOICE_KBPS: integer({ default: 20, min: 8, max: 128 }),

  /** OpenAI-compatible `/audio/transcriptions` (e.g. https://api.siliconflow.cn/v1). Unset: voice input is off. */
  STT_BASE_URL: optionalHttpUrl(),
  /** `STT_API_KEY_FILE` holds it as a file. */
  STT_API_KEY: secret({ default: '' }),
  STT_MODEL: sttModel(),
  /** ISO-639-1 hint for the STT (`zh`, `en`); unset: the engine detects the language. */
  STT_LANGUAGE: optionalString(),
  STT_TIMEOUT_MS: integer({ default: 10_000, min: 500, max: 120_000 }),
  STT_MAX_ATTEMPTS: integer({ default: 3, min: 1, max: 10 }),
  /** Silence that ends an utterance. */
  VAD_END_SILENCE_MS: integer({ default: 500, min: 200, max: 5_000 }),
  /** Voiced time below which a sound is a blip (cough, click), not speech. */
  VAD_MIN_SPEECH_MS: integer({ default: 250, min: 64, max: 5_000 }),
  /** Longer speech is transcribed in parts of this length (one turn all the same). */
  VAD_MAX_UTTERANCE_MS: integer({ default: 15_000, min: 2_000, max: 60_000 }),
  /** Windows quieter than this (dBFS) are silence without running the model. */
  VAD_QUIET_DBFS: integer({ default: -50, min: -96, max: -10 }),
};

export type MediaConfig = ConfigOf<typeof mediaConfigSpec>;
