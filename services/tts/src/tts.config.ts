import {
  type ConfigOf,
  ConfigError,
  type VarSpec,
  integer,
  logConfig,
  metricsConfig,
  oneOf,
  redisConfig,
  string,
} from '@dh/config';

/** Every engine the contract names (section 3); only those in AVAILABLE_ENGINES are built so far. */
export const TTS_ENGINES = ['espeak', 'edge', 'openai'] as const;
export const AVAILABLE_ENGINES = ['espeak'] as const;
export type TtsEngineName = (typeof AVAILABLE_ENGINES)[number];

/**
 * A known but not yet built engine stops the service at start, naming the variable, rather than starting
 * with a voice the operator did not choose.
 */
function engineName(): VarSpec<TtsEngineName> {
  const known = oneOf(TTS_ENGINES, { default: 'espeak' });
  return {
    read(name, env) {
      const value = known.read(name, env);
      if (!(AVAILABLE_ENGINES as readonly string[]).includes(value))
        throw new ConfigError(name, 'is not available yet in this version; use espeak');
      return value as TtsEngineName;
    },
  };
}

const voice = (fallback: string) =>
  string({
    default: fallback,
    pattern: /^[A-Za-z0-9_+/-]{1,64}$/,
    hint: 'an espeak-ng voice name such as cmn or en-us',
  });

export const ttsConfigSpec = {
  ...redisConfig,
  ...logConfig,
  ...metricsConfig(9463),
  TTS_ENGINE: engineName(),
  /** Sentences synthesized at once; espeak-ng is one short-lived process of about 10 MB each. */
  TTS_CONCURRENCY: integer({ default: 2, min: 1, max: 8 }),
  /**
   * How long synthesized audio stays in Redis: media must fetch it within this time, and repeated phrases
   * (greetings, apologies) reuse it. Ten minutes keeps a busy evening at 10 guests to tens of MB of Redis.
   */
  TTS_CACHE_TTL_S: integer({ default: 600, min: 60, max: 7 * 86_400 }),
  /** Longest one sentence may take the engine before it is killed and the attempt fails. */
  TTS_TIMEOUT_MS: integer({ default: 10_000, min: 100, max: 120_000 }),
  /** BullMQ lock on an active job: a killed worker's job is taken again about this long after the crash. */
  TTS_LOCK_MS: integer({ default: 10_000, min: 1_000, max: 600_000 }),
  ESPEAK_BIN: string({ default: 'espeak-ng', pattern: /^\S+$/, hint: 'a program name or path without spaces' }),
  ESPEAK_VOICE_ZH: voice('cmn'),
  ESPEAK_VOICE_EN: voice('en-us'),
  /** espeak-ng's own range for `-s` is 80–450 words per minute. */
  ESPEAK_SPEED_WPM: integer({ default: 175, min: 80, max: 450 }),
};

export type TtsConfig = ConfigOf<typeof ttsConfigSpec>;
