import type { ServiceName } from '@dh/contracts';

export interface RuntimeOptions {
  service: ServiceName;
  redisUrl: string;
  redisPrefix: string;
  /** 0 picks a free port (tests); the chosen port is logged. */
  metricsPort: number;
  logLevel: string;
}
