import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Redis } from 'ioredis';
import { type Logger, MetricsServer, type ServiceMetrics } from '@dh/observability';
import { Heartbeat, type HeartbeatFlags, type KeyPrefix } from '@dh/streams';
import { HEARTBEAT_FLAGS, KEYS, LOGGER, METRICS, REDIS } from './tokens.js';
import { RUNTIME_OPTIONS } from './runtime-options.token.js';
import type { RuntimeOptions } from './runtime-options.js';

/**
 * Starts the metrics listener and, once every module is up, the heartbeat that tells the gateway this
 * service is ready; stops both and closes Redis last on shutdown.
 */
@Injectable()
export class RuntimeLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private heartbeat: Heartbeat | undefined;
  private metricsServer: MetricsServer | undefined;

  constructor(
    @Inject(RUNTIME_OPTIONS) private readonly options: RuntimeOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(KEYS) private readonly keys: KeyPrefix,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.metricsServer = new MetricsServer(this.metrics.registry, this.options.metricsPort);
    const port = await this.metricsServer.start();
    this.heartbeat = new Heartbeat(this.redis, this.keys, this.options.service, undefined, this.heartbeatFlags());
    await this.heartbeat.start();
    this.logger.info({ metricsPort: port, pid: process.pid }, 'service ready');
  }

  /** The service's own module provides the flags, if any; this module cannot import it, so it looks them up. */
  private heartbeatFlags(): HeartbeatFlags | undefined {
    try {
      return this.moduleRef.get<HeartbeatFlags>(HEARTBEAT_FLAGS, { strict: false });
    } catch {
      return undefined;
    }
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ signal }, 'service stopping');
    await this.heartbeat?.stop();
    await this.metricsServer?.stop();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
