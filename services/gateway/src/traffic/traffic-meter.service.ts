import { readFile } from 'node:fs/promises';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger, ServiceMetrics } from '@dh/observability';
import { CONFIG, KEYS, LOGGER, METRICS, REDIS } from '@dh/runtime';
import type { KeyPrefix } from '@dh/streams';
import type { GatewayConfig } from '../gateway.config.js';
import { billingPeriod } from './billing-period.js';
import { billedInterfaces, parseNetDev } from './net-dev.js';
import { TrafficLedger } from './traffic-ledger.repository.js';
import { TrafficMetrics } from './traffic-metrics.js';
import { projectTraffic } from './traffic-projection.js';

/** Injection token for a clock (tests); the meter uses Date.now without one. */
export const TRAFFIC_CLOCK = Symbol('TRAFFIC_CLOCK');

/** Providers count traffic packages in binary gigabytes. */
const GB = 1024 ** 3;

interface Reading {
  atMs: number;
  txBytes: Map<string, number>;
}

/**
 * Reads the host's interface counters every few seconds: egress now (for Grafana and the bandwidth governor)
 * and the billing month's total in the Redis ledger, with the projection of when the budget runs out.
 */
@Injectable()
export class TrafficMeter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly ledger: TrafficLedger;
  private readonly metrics: TrafficMetrics;
  private readonly budgetBytes: number;
  private timer: NodeJS.Timeout | undefined;
  private last: Reading | undefined;
  private sampling = false;
  private failing = false;
  private egressBitsPerSecond = 0;

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(REDIS) redis: Redis,
    @Inject(KEYS) keys: KeyPrefix,
    @Inject(METRICS) metrics: ServiceMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(TRAFFIC_CLOCK) private readonly now: () => number = Date.now,
  ) {
    this.ledger = new TrafficLedger(redis, keys);
    this.metrics = new TrafficMetrics(metrics.registry);
    this.budgetBytes = config.MONTHLY_TRAFFIC_GB * GB;
    this.metrics.budgetBytes.set(this.budgetBytes);
    this.metrics.capBps.set(config.BANDWIDTH_CAP_KBPS * 1000);
  }

  /** Host egress over the last sample, bits per second (0 until two samples were read). */
  get egressBps(): number {
    return this.egressBitsPerSecond;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sample(), this.config.TRAFFIC_SAMPLE_INTERVAL_MS);
    this.timer.unref();
    void this.sample();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One reading: rate since the last one, and the ledger's update. Public for tests. */
  async sample(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      const reading = await this.read();
      this.updateRate(reading);
      const period = billingPeriod(reading.atMs, this.config.TRAFFIC_BILLING_DAY, this.config.BUDGET_TIME_ZONE);
      const { periodBytes } = await this.ledger.add(period.key, reading.txBytes);
      const projection = projectTraffic(periodBytes, this.budgetBytes, period, reading.atMs);
      this.metrics.periodBytes.set(periodBytes);
      this.metrics.projectedBytes.set(Math.round(projection.projectedBytes));
      this.metrics.periodEnd.set(period.endMs / 1000);
      // Nothing sent yet: at that pace the budget never runs out.
      this.metrics.exhaustion.set(
        projection.exhaustedAtMs === undefined ? Infinity : Math.round(projection.exhaustedAtMs / 1000),
      );
      if (this.failing) this.logger.info('traffic counters readable again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) {
        this.logger.warn(
          { path: this.config.TRAFFIC_NET_DEV_PATH, err: (error as Error).message },
          'traffic counters not read; the month’s figure waits',
        );
      }
      this.failing = true;
    } finally {
      this.sampling = false;
    }
  }

  private async read(): Promise<Reading> {
    const counters = parseNetDev(await readFile(this.config.TRAFFIC_NET_DEV_PATH, 'utf8'));
    const names = billedInterfaces(counters.keys(), this.config.TRAFFIC_INTERFACES);
    return { atMs: this.now(), txBytes: new Map(names.map((name) => [name, counters.get(name)!.txBytes])) };
  }

  private updateRate(reading: Reading): void {
    const last = this.last;
    this.last = reading;
    if (!last || reading.atMs <= last.atMs) return;
    let sent = 0;
    for (const [name, bytes] of reading.txBytes) {
      const before = last.txBytes.get(name);
      if (before !== undefined) sent += bytes >= before ? bytes - before : bytes;
    }
    this.egressBitsPerSecond = (sent * 8 * 1000) / (reading.atMs - last.atMs);
    this.metrics.egressBps.set(Math.round(this.egressBitsPerSecond));
  }
}
