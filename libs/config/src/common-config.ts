import { integer, oneOf, secret, string, url } from './env-spec.js';

/** Variables every service reads. Defaults are the `make dev` values (contract section 3). */
export const redisConfig = {
  REDIS_URL: url({ default: 'redis://127.0.0.1:6379', protocols: ['redis', 'rediss'] }),
  /** Prefix of every key and stream; tests give each run its own. */
  REDIS_PREFIX: string({ default: 'dh:', pattern: /^[A-Za-z0-9:_.-]{1,64}$/, hint: 'letters, digits and : _ . -' }),
};

export const logConfig = {
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, { default: 'info' }),
};

export function metricsConfig(defaultPort: number) {
  return { METRICS_PORT: integer({ default: defaultPort, min: 0, max: 65535 }) };
}

/** Development key pair written into the LiveKit config that `make dev` generates. */
export const DEV_LIVEKIT_API_KEY = 'devkey';
export const DEV_LIVEKIT_API_SECRET = 'dev-secret-for-make-dev-only-0123456789';

export const livekitConfig = {
  LIVEKIT_URL: url({ default: 'ws://127.0.0.1:7880', protocols: ['ws', 'wss', 'http', 'https'] }),
  LIVEKIT_API_KEY: string({ default: DEV_LIVEKIT_API_KEY, pattern: /^\S{3,128}$/, hint: 'a key without spaces' }),
  LIVEKIT_API_SECRET: secret({ default: DEV_LIVEKIT_API_SECRET }),
};
