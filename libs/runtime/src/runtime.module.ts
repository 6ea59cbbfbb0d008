import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ServiceMetrics, createLogger } from '@dh/observability';
import { KeyPrefix, createRedis } from '@dh/streams';
import { RuntimeLifecycle } from './runtime-lifecycle.js';
import type { RuntimeOptions } from './runtime-options.js';
import { RUNTIME_OPTIONS } from './runtime-options.token.js';
import { CONFIG, KEYS, LOGGER, METRICS, REDIS } from './tokens.js';

/** What every service shares: its config object, logger, metrics, Redis connection, key prefix, heartbeat. */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(options: RuntimeOptions, config: object): DynamicModule {
    const logger = createLogger(options.service, options.logLevel);
    return {
      module: RuntimeModule,
      providers: [
        { provide: RUNTIME_OPTIONS, useValue: options },
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: METRICS, useValue: new ServiceMetrics(options.service) },
        { provide: KEYS, useValue: new KeyPrefix(options.redisPrefix) },
        {
          provide: REDIS,
          useFactory: () => createRedis(options.redisUrl, { connectionName: `${options.service}:commands` }),
        },
        RuntimeLifecycle,
      ],
      exports: [RUNTIME_OPTIONS, CONFIG, LOGGER, METRICS, KEYS, REDIS],
    };
  }
}
