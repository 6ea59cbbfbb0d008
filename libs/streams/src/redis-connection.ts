import { Redis, type RedisOptions } from 'ioredis';

export interface RedisConnectionOptions {
  /** Name shown in CLIENT LIST, e.g. `dialogue:blocking`. */
  connectionName: string;
  /**
   * For connections that block (XREADGROUP BLOCK, BullMQ workers): commands wait for a reconnect instead of
   * failing after a few retries.
   */
  blocking?: boolean;
}

/**
 * One ioredis connection. Reconnects forever with a capped delay: a restarted Redis must not take a service
 * down with it.
 */
export function createRedis(url: string, options: RedisConnectionOptions): Redis {
  const redisOptions: RedisOptions = {
    connectionName: options.connectionName,
    maxRetriesPerRequest: options.blocking ? null : 3,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 5), 2000),
    reconnectOnError: (error) => error.message.startsWith('READONLY'),
  };
  return new Redis(url, redisOptions);
}

/** Key names with the deployment's prefix (REDIS_PREFIX); every key and stream goes through here. */
export class KeyPrefix {
  constructor(readonly prefix: string) {}

  key(name: string): string {
    return `${this.prefix}${name}`;
  }

  /** Removes the prefix from a full key (e.g. a key read back from an event). */
  strip(fullKey: string): string {
    return fullKey.startsWith(this.prefix) ? fullKey.slice(this.prefix.length) : fullKey;
  }
}
