import {
  type ConfigOf,
  decimal,
  integer,
  logConfig,
  metricsConfig,
  oneOf,
  optionalString,
  redisConfig,
  secret,
  string,
  timeZone,
  url,
} from '@dh/config';

export const dialogueConfigSpec = {
  ...redisConfig,
  ...logConfig,
  ...metricsConfig(9462),
  /** Empty: the offline persona answers (contract section 3). `DEEPSEEK_API_KEY_FILE` holds it as a file. */
  DEEPSEEK_API_KEY: secret({ default: '' }),
  DEEPSEEK_BASE_URL: url({ default: 'https://api.deepseek.com', protocols: ['http', 'https'] }),
  DEEPSEEK_MODEL: string({ default: 'deepseek-flash', pattern: /^[A-Za-z0-9._:/-]{1,100}$/, hint: 'a model name' }),
  /** Thinking mode is the API's default and costs seconds per answer; conversation wants it off. */
  DEEPSEEK_THINKING: oneOf(['disabled', 'enabled'] as const, { default: 'disabled' }),
  /** Request start -> first token of an attempt; a slower attempt is abandoned and retried. */
  LLM_FIRST_TOKEN_TIMEOUT_MS: integer({ default: 8_000, min: 100, max: 120_000 }),
  /** Longest silence between two chunks once the answer has started. */
  LLM_IDLE_TIMEOUT_MS: integer({ default: 5_000, min: 100, max: 120_000 }),
  /** Attempts per turn, the first included; retries happen only before the first token. */
  LLM_MAX_ATTEMPTS: integer({ default: 3, min: 1, max: 10 }),
  /** Base of the exponential backoff with full jitter between attempts. */
  LLM_RETRY_BASE_MS: integer({ default: 300, min: 0, max: 30_000 }),
  /** A spoken answer of one to three sentences needs far fewer; this caps a runaway answer's cost. */
  LLM_MAX_TOKENS: integer({ default: 400, min: 16, max: 8_192 }),
  /** Consecutive failed turns that open the circuit breaker. */
  LLM_BREAKER_THRESHOLD: integer({ default: 5, min: 1, max: 1_000 }),
  /** How long an open breaker answers with the apology at once before one trial turn. */
  LLM_BREAKER_COOLDOWN_MS: integer({ default: 30_000, min: 100, max: 3_600_000 }),
  /** Exchanges of a room's history sent with each request. */
  HISTORY_TURNS: integer({ default: 8, min: 0, max: 100 }),
  /** A room's history is forgotten this long after its last turn. */
  HISTORY_TTL_S: integer({ default: 1_800, min: 10, max: 604_800 }),
  /** Relative to the working directory; missing: built-in defaults. */
  PERSONA_FILE: string({ default: 'config/persona.json' }),
  /** The owner's extra blocked words, added to the shipped config/blocked-words.txt. */
  BLOCKED_WORDS_FILE: optionalString(),
  /** Longer guest messages get a polite "too long" reply instead of an answer. */
  MESSAGE_MAX_CHARS: integer({ default: 300, min: 1, max: 4_000 }),
  /** Messages per guest and room within MESSAGE_RATE_WINDOW_S. */
  MESSAGE_RATE_LIMIT: integer({ default: 10, min: 1, max: 10_000 }),
  MESSAGE_RATE_WINDOW_S: integer({ default: 60, min: 1, max: 86_400 }),
  /** Longest sentence sent to TTS; longer runs are cut at a comma or space. */
  SENTENCE_MAX_CHARS: integer({ default: 80, min: 10, max: 1_000 }),
  /**
   * CNY per million tokens. Defaults: deepseek-flash at peak hours, as DeepSeek's pricing page gave them on
   * 2026-11-25 (off-peak is half), so that the budget is never spent faster than it counts.
   */
  DEEPSEEK_PRICE_CACHE_HIT_CNY_PER_M: decimal({ default: 0.04, min: 0 }),
  DEEPSEEK_PRICE_CACHE_MISS_CNY_PER_M: decimal({ default: 2, min: 0 }),
  DEEPSEEK_PRICE_OUTPUT_CNY_PER_M: decimal({ default: 8, min: 0 }),
  /**
   * DeepSeek spend allowed per calendar month in CNY (contract section 3): a notice to everyone at 80 %, and from
   * 100 % the offline persona answers until the month turns. 0 allows no spend at all.
   */
  MONTHLY_LLM_BUDGET_CNY: decimal({ default: 30, min: 0 }),
  /** The owner's time zone: the budget month turns at midnight on the 1st there. */
  BUDGET_TIME_ZONE: timeZone({ default: 'Asia/Shanghai' }),
  /** How often each replica reads the month's spend again (the others add to it); its own answers count at once. */
  LLM_BUDGET_REFRESH_MS: integer({ default: 5_000, min: 100, max: 600_000 }),
  /** Stable across restarts, so a restarted dialogue finds the utterances it had not finished. */
  DIALOGUE_CONSUMER: string({ default: 'dialogue-1', pattern: /^[A-Za-z0-9_.-]{1,64}$/, hint: 'a short name' }),
};

export type DialogueConfig = ConfigOf<typeof dialogueConfigSpec>;
