// Settings inside the Compose file that the project relies on and that nothing else would catch before production:
// Redis' persistence and memory policy (BullMQ), and Grafana's memory-saving switches.
import { environmentOf, parseBytes } from './compose.mjs';
import { result } from './result.mjs';

/** `command` as a list of arguments, whether written as a list or as one string. */
function commandOf(service) {
  const command = service?.command ?? [];
  return Array.isArray(command) ? command.map(String) : String(command).split(/\s+/).filter(Boolean);
}

/** The value after `--name` in redis-server's arguments (the last one wins, as in Redis), or undefined. */
export function redisOption(args, name) {
  let value;
  args.forEach((arg, i) => {
    if (arg === `--${name}`) value = args[i + 1];
  });
  return value;
}

/** A Redis memory size in bytes: "1mb" is 1024², "1m" 10⁶ (redis.conf's units); undefined when it is none. */
export function redisBytes(text) {
  const match = /^(\d+)(?:([kmg])(b?))?$/i.exec(String(text ?? '').trim());
  if (!match) return undefined;
  const power = { '': 0, k: 1, m: 2, g: 3 }[(match[2] ?? '').toLowerCase()];
  return Number(match[1]) * (match[3] ? 1024 : 1000) ** power;
}

/** What Redis must run with: [option, required value, why]. */
export const REDIS_REQUIRED = [
  ['maxmemory-policy', 'noeviction', 'BullMQ loses queued jobs when Redis evicts keys'],
  ['appendonly', 'yes', 'queued turns and the month’s ledgers must survive a restart'],
  ['appendfsync', 'everysec', 'at most a second lost, without a disk sync per write'],
];

export function checkRedisSettings(compose) {
  const redis = compose?.services?.redis;
  const args = commandOf(redis);
  const problems = [];
  if (args[0] !== 'redis-server') problems.push('redis: command must start with redis-server and its options');
  for (const [option, value, why] of REDIS_REQUIRED) {
    const actual = redisOption(args, option);
    if (actual !== value) problems.push(`redis: --${option} is ${actual ?? 'not set'}, must be ${value} (${why})`);
  }
  const maxmemory = redisOption(args, 'maxmemory');
  const bytes = redisBytes(maxmemory);
  const limit = parseBytes(redis?.mem_limit ?? '');
  if (!bytes) problems.push('redis: no --maxmemory (Redis would grow until the container is killed)');
  else if (limit && bytes > limit * 0.75)
    problems.push(
      `redis: --maxmemory ${maxmemory} leaves too little of mem_limit ${redis.mem_limit} for buffers and the AOF fork`,
    );
  return result('redis: noeviction, append-only file synced every second, maxmemory under the limit', problems);
}

/**
 * The app plugins Grafana 13 bundles and installs at start unless disabled; the dashboards use none of them and
 * each costs memory (grafana-lokiexplore-app and friends load at start, backend ones run as processes).
 */
export const GRAFANA_BUNDLED_APPS = [
  'grafana-lokiexplore-app',
  'grafana-pyroscope-app',
  'grafana-exploretraces-app',
  'grafana-metricsdrilldown-app',
  'grafana-advisor-app',
];

/** Grafana settings with the value they must keep, and why (REFERENCE: Grafana 13 on a small box). */
export const GRAFANA_REQUIRED = {
  GF_SERVER_ENABLE_GZIP: ['false', 'Grafana 13 blew up its memory with gzip on; nginx compresses'],
  GF_ANALYTICS_REPORTING_ENABLED: ['false', 'no calls home'],
  GF_ANALYTICS_CHECK_FOR_UPDATES: ['false', 'no calls home'],
};

export function checkGrafanaSettings(compose) {
  const environment = environmentOf(compose?.services?.grafana);
  const problems = [];
  for (const [name, [value, why]] of Object.entries(GRAFANA_REQUIRED)) {
    if (String(environment[name]) !== value)
      problems.push(`grafana: ${name} is ${environment[name] ?? 'not set'}, must be ${value} (${why})`);
  }
  const disabled = String(environment.GF_PLUGINS_DISABLE_PLUGINS ?? '')
    .split(',')
    .map((plugin) => plugin.trim());
  for (const plugin of GRAFANA_BUNDLED_APPS.filter((app) => !disabled.includes(app)))
    problems.push(`grafana: bundled app ${plugin} is not in GF_PLUGINS_DISABLE_PLUGINS`);
  return result('grafana: gzip off, no calls home, the bundled app plugins disabled', problems);
}
