import type { LoggerService } from '@nestjs/common';
import type { Logger } from '@dh/observability';

/** Routes NestJS's own messages into the service's pino logger (warnings and errors only). */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(): void {}
  debug(): void {}
  verbose(): void {}
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  fatal(message: unknown, trace?: string, context?: string): void {
    this.logger.fatal({ context, trace }, String(message));
  }
}
