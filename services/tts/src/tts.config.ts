import {
  type ConfigOf,
  ConfigError,
  type Env,
  type VarSpec,
  integer,
  logConfig,
  metricsConfig,
  oneOf,
  redisConfig,
  secret,
  string,
  url,
} from '@dh/config';

/** Every engine the contract names (section 3). */
export const TTS_ENGINES = ['espeak', 'edge', 'openai'] as const;
export type TtsEngineName = (typeof TTS_ENGINES)[number];

/** Microsoft Edge's read-aloud endpoint, as the browser and the edge-tts project use it. */
export const EDGE_DEFAULT_URL = 'wss://speech.platform.bing.com/consumer/speech/synthesize/readaloud/edge/v1';

const engineList = (env: Env): string[] =>
  (env.TTS_FALLBACK ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');

/** Whether the operator asked for an engine, first or as a fallback; read before both are validated. */
function isChosen(engine: TtsEngineName, env: Env): boolean {
  return (env.TTS_ENGINE?.trim() || 'espeak') === engine || engineList(env).includes(engine);
}

/** The engines between TTS_ENGINE and espeak, in order; unset: every other engine that is configured. */
function fallbackList(): VarSpec<readonly TtsEngineName[] | undefined> {
  return {
    read(name, env) {
      const names = engineList(env);
      if (names.length === 0) return undefined;
      for (const engine of names)
        if (!(TTS_ENGINES as readonly string[]).includes(engine))
          throw new ConfigError(name, `must be a comma list of ${TTS_ENGINES.join(', ')}, got "${engine}"`);
      return names as TtsEngineName[];
    },
  };
}

/** The OpenAI-compatible endpoint: required as soon as openai is chosen, so it never starts half-configured. */
function openAiBaseUrl(): VarSpec<string | undefined> {
  return {
    read(name, env) {
      if (!env[name]?.trim()) {
        if (isChosen('openai', env))
          throw new ConfigError(name, 'is required when openai is a TTS engine (e.g. https://api.siliconflow.cn/v1)');
        return undefined;
      }
      return url({ default: '', protocols: ['http', 'https'] }).read(name, env);
    },
  };
}

const voice = (fallback: string) =>
  string({
    default: fallback,
    pattern: /^[A-Za-z0-9_+/-]{1,64}$/,
    hint: 'an espeak-ng voice name such as cmn or en-us',
  });

const edgeVoice = (fallback: string) =>
  string({
    default: fallback,
    pattern: /^[a-z]{2,3}-[A-Z]{2}(-[A-Za-z]+)?-[A-Za-z]+Neural$/,
    hint: 'an Edge voice name such as zh-CN-XiaoxiaoNeural',
  });

const modelName = (fallback: string) =>
  string({ default: fallback, pattern: /^[\w.:/-]{1,128}$/, hint: 'a model or voice name without spaces' });

export const ttsConfigSpec = {
  ...redisConfig,
  ...logConfig,
  ...metricsConfig(9463),
  /** The engine that speaks when it is healthy; the others configured follow it, espeak always last. */
  TTS_ENGINE: oneOf(TTS_ENGINES, { default: 'espeak' }),
  /** Engines between TTS_ENGINE and espeak, e.g. `edge` or `openai,edge`; unset: the others configured. */
  TTS_FALLBACK: fallbackList(),
  /** Sentences synthesized at once; espeak-ng is one short-lived process of about 10 MB each. */
  TTS_CONCURRENCY: integer({ default: 2, min: 1, max: 8 }),
  /**
   * How long synthesized audio stays in Redis: media must fetch it within this time, and repeated phrases
   * (greetings, apologies) reuse it. Ten minutes keeps a busy evening at 10 guests to tens of MB of Redis.
   */
  TTS_CACHE_TTL_S: integer({ default: 600, min: 60, max: 7 * 86_400 }),
  /** Longest one sentence may take, every engine of the fallback chain together. */
  TTS_TIMEOUT_MS: integer({ default: 10_000, min: 100, max: 120_000 }),
  /**
   * Longest one engine that is not the last may take before the next one speaks: a hanging remote engine
   * must leave espeak (milliseconds) enough of TTS_TIMEOUT_MS.
   */
  TTS_ENGINE_TIMEOUT_MS: integer({ default: 5_000, min: 100, max: 120_000 }),
  /** Failures in a row after which an engine is skipped for TTS_ENGINE_COOLDOWN_MS. */
  TTS_ENGINE_FAILURES: integer({ default: 3, min: 1, max: 100 }),
  /** How long an unhealthy engine is skipped; then one sentence tries it again. */
  TTS_ENGINE_COOLDOWN_MS: integer({ default: 60_000, min: 100, max: 3_600_000 }),
  /** BullMQ lock on an active job: a killed worker's job is taken again about this long after the crash. */
  TTS_LOCK_MS: integer({ default: 10_000, min: 1_000, max: 600_000 }),
  ESPEAK_BIN: string({ default: 'espeak-ng', pattern: /^\S+$/, hint: 'a program name or path without spaces' }),
  ESPEAK_VOICE_ZH: voice('cmn'),
  ESPEAK_VOICE_EN: voice('en-us'),
  /** espeak-ng's own range for `-s` is 80–450 words per minute. */
  ESPEAK_SPEED_WPM: integer({ default: 175, min: 80, max: 450 }),
  /** Any OpenAI-compatible `/audio/speech`, up to the API version (`https://api.siliconflow.cn/v1`). */
  TTS_OPENAI_BASE_URL: openAiBaseUrl(),
  /** `TTS_OPENAI_API_KEY_FILE` holds it as a file; empty sends no Authorization header. */
  TTS_OPENAI_API_KEY: secret({ default: '' }),
  TTS_OPENAI_MODEL: modelName('FunAudioLLM/CosyVoice2-0.5B'),
  TTS_OPENAI_VOICE: modelName('FunAudioLLM/CosyVoice2-0.5B:anna'),
  /** Asked for as `sample_rate` and assumed for a raw `pcm` body: OpenAI's is 24 kHz, CosyVoice takes 8–44.1 kHz. */
  TTS_OPENAI_SAMPLE_RATE: integer({ default: 24_000, min: 8_000, max: 48_000 }),
  TTS_EDGE_URL: url({ default: EDGE_DEFAULT_URL, protocols: ['ws', 'wss'] }),
  TTS_EDGE_VOICE: edgeVoice('zh-CN-XiaoxiaoNeural'),
  TTS_EDGE_VOICE_EN: edgeVoice('en-US-AriaNeural'),
};

export type TtsConfig = ConfigOf<typeof ttsConfigSpec>;

/**
 * The engines in the order they are asked: TTS_ENGINE, then TTS_FALLBACK (or, unset, openai when it has a base
 * URL; edge only when named, since it is often refused), then espeak, the one that needs nothing outside.
 * With TTS_ENGINE=espeak it is espeak alone, as before the fallback chain existed.
 */
export function engineOrder(config: TtsConfig): TtsEngineName[] {
  if (config.TTS_ENGINE === 'espeak') return ['espeak'];
  const middle = config.TTS_FALLBACK ?? (config.TTS_OPENAI_BASE_URL ? (['openai'] as const) : []);
  const order = new Set<TtsEngineName>([config.TTS_ENGINE, ...middle]);
  order.delete('espeak');
  return [...order, 'espeak'];
}
