import { isIP } from 'node:net';
import {
  type ConfigOf,
  ConfigError,
  type VarSpec,
  integer,
  list,
  livekitConfig,
  logConfig,
  optionalString,
  optionalUrl,
  metricsConfig,
  redisConfig,
  secret,
  string,
  timeZone,
  url,
} from '@dh/config';

/**
 * Express's `trust proxy` value: `true`/`false`, a number of hops, or a comma-separated list of addresses,
 * CIDR ranges and the names `loopback`, `linklocal`, `uniquelocal`. Checked here so that a typo stops the
 * process at start instead of inside Express.
 */
export type TrustProxy = boolean | number | string;

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

export function trustProxy(options: { default: string }): VarSpec<TrustProxy> {
  return {
    read(name, env) {
      const raw = (env[name]?.trim() || options.default).toLowerCase();
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      if (/^\d{1,2}$/.test(raw)) return Number(raw);
      const entries = raw.split(',').map((entry) => entry.trim());
      if (entries.some((entry) => !isProxyAddress(entry)))
        throw new ConfigError(name, `must be true, false, a hop count, or addresses/CIDRs/loopback, got "${raw}"`);
      return entries.join(',');
    },
  };
}

/** The URL browsers get: by default the one the gateway itself uses. */
function publicLiveKitUrl(): VarSpec<string> {
  return {
    read(name, env) {
      const fallback = livekitConfig.LIVEKIT_URL.read('LIVEKIT_URL', env);
      return url({ default: fallback, protocols: ['ws', 'wss', 'http', 'https'] }).read(name, env);
    },
  };
}

export const gatewayConfigSpec = {
  ...redisConfig,
  ...logConfig,
  ...metricsConfig(9461),
  ...livekitConfig,
  LIVEKIT_PUBLIC_URL: publicLiveKitUrl(),
  PUBLIC_PORT: integer({ default: 8080, min: 0, max: 65535 }),
  PUBLIC_HOST: string({ default: '0.0.0.0', pattern: /^[A-Za-z0-9.:[\]-]{1,255}$/, hint: 'a host name or address' }),
  /** Empty: the door is open to anyone with the link. */
  GUEST_PASSCODE: secret({ default: '' }),
  MAX_GUESTS: integer({ default: 10, min: 1, max: 1000 }),
  JOIN_RATE_LIMIT: integer({ default: 20, min: 1, max: 100_000 }),
  JOIN_RATE_WINDOW_S: integer({ default: 60, min: 1, max: 86_400 }),
  TOKEN_TTL_S: integer({ default: 600, min: 30, max: 86_400 }),
  /** A token issued counts as a guest until they connect or this passes (closes the join-then-connect gap). */
  JOIN_RESERVATION_S: integer({ default: 30, min: 1, max: 3_600 }),
  TRUST_PROXY: trustProxy({ default: 'loopback' }),
  BANDWIDTH_CAP_KBPS: integer({ default: 4000, min: 64, max: 10_000_000 }),
  MONTHLY_TRAFFIC_GB: integer({ default: 300, min: 1, max: 1_000_000 }),
  /** The host's interface counters; in a container, the host's through a mount (`/host/proc/1/net/dev`). */
  TRAFFIC_NET_DEV_PATH: string({ default: '/proc/net/dev' }),
  /** Interfaces whose sent bytes are billed; empty: all but loopback and container/bridge links. */
  TRAFFIC_INTERFACES: list({ pattern: /^[A-Za-z0-9_.@:-]{1,32}$/, hint: 'interface names' }),
  /** Day of the month the provider's traffic allowance starts again (1-28). */
  TRAFFIC_BILLING_DAY: integer({ default: 1, min: 1, max: 28 }),
  TRAFFIC_SAMPLE_INTERVAL_MS: integer({ default: 2_000, min: 500, max: 60_000 }),
  /** LiveKit's Prometheus endpoint: the SFU's own egress, which the bandwidth governor reins in. */
  LIVEKIT_METRICS_URL: optionalUrl({ protocols: ['http', 'https'] }),
  GOVERNOR_INTERVAL_MS: integer({ default: 2_000, min: 500, max: 60_000 }),
  /** How long egress must stay low before the governor gives back what it took. */
  GOVERNOR_HOLD_MS: integer({ default: 10_000, min: 0, max: 3_600_000 }),
  /** What one more guest costs in egress (the avatar's Opus voice and overhead), for admission. */
  GOVERNOR_GUEST_KBPS: integer({ default: 48, min: 0, max: 100_000 }),
  /** The owner's time zone: where billing months (traffic and DeepSeek spend) begin and end. */
  BUDGET_TIME_ZONE: timeZone({ default: 'Asia/Shanghai' }),
  /** The built guest page; unset: `web/dist` of the app root. Without its index.html the minimal page is served. */
  WEB_ROOT: optionalString(),
  /** The owner's avatar images (idle, mouth-half, mouth-open, blink), relative to the working directory. */
  AVATAR_DIR: string({ default: 'config/avatar' }),
  /** Open /ws connections at once, all guests together; more are closed with 1013 (try again later). */
  WS_MAX_CLIENTS: integer({ default: 200, min: 1, max: 100_000 }),
  /** Each /ws socket is pinged this often; one that has not answered the previous ping is dropped. */
  WS_PING_INTERVAL_MS: integer({ default: 20_000, min: 1_000, max: 600_000 }),
};

export type GatewayConfig = ConfigOf<typeof gatewayConfigSpec>;
