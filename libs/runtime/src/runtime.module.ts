import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { ServiceName } from '@dh/contracts';
import { ServiceMetrics, createLogger, exportMemoryLimit } from '@dh/observability';
import { IdempotencyStore, KeyPrefix, TurnCancels, createRedis } from '@dh/streams';
import { RuntimeLifecycle } from './runtime-lifecycle.js';
import type { RuntimeOptions } from './runtime-options.js';
import { RUNTIME_OPTIONS } from './runtime-options.token.js';
import { CONFIG, KEYS, LOGGER, METRICS, REDIS } from './tokens.js';

/** The variables every service's config carries (`redisConfig`, `logConfig`, `metricsConfig`). */
export interface CommonConfig {
  REDIS_URL: string;
  REDIS_PREFIX: string;
  METRICS_PORT: number;
  LOG_LEVEL: string;
}

/** The service's metrics, with its container's memory limit beside the default process metrics. */
function serviceMetrics(service: ServiceName): ServiceMetrics {
  const metrics = new ServiceMetrics(service);
  exportMemoryLimit(metrics.registry);
  return metrics;
}

/**
 * What every service shares: its config object, logger, metrics, Redis connection, key prefix, idempotency
 * store, and the heartbeat and metrics listener (RuntimeLifecycle).
 */
@Global()
@Module({})
export class RuntimeModule {
  static forService(service: ServiceName, config: CommonConfig): DynamicModule {
    const options: RuntimeOptions = {
      service,
      redisUrl: config.REDIS_URL,
      redisPrefix: config.REDIS_PREFIX,
      metricsPort: config.METRICS_PORT,
      logLevel: config.LOG_LEVEL,
    };
    return {
      module: RuntimeModule,
      providers: [
        { provide: RUNTIME_OPTIONS, useValue: options },
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: createLogger(service, config.LOG_LEVEL) },
        { provide: METRICS, useFactory: () => serviceMetrics(service) },
        { provide: KEYS, useValue: new KeyPrefix(config.REDIS_PREFIX) },
        {
          provide: REDIS,
          useFactory: () => createRedis(config.REDIS_URL, { connectionName: `${service}:commands` }),
        },
        {
          provide: IdempotencyStore,
          useFactory: (redis: Redis, keys: KeyPrefix) => new IdempotencyStore(redis, keys),
          inject: [REDIS, KEYS],
        },
        {
          provide: TurnCancels,
          useFactory: (redis: Redis, keys: KeyPrefix) => new TurnCancels(redis, keys),
          inject: [REDIS, KEYS],
        },
        RuntimeLifecycle,
      ],
      exports: [RUNTIME_OPTIONS, CONFIG, LOGGER, METRICS, KEYS, REDIS, IdempotencyStore, TurnCancels],
    };
  }
}
