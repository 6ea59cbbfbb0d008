import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from '@dh/observability';

/**
 * SIGTERM/SIGINT close the application (Nest runs every shutdown hook) and exit; a second signal, or a close
 * that takes longer than `graceMs`, exits at once. Unhandled errors are logged and end the process: a
 * supervisor restarts it, and at-least-once delivery finishes what it was doing.
 */
export function installShutdown(app: INestApplicationContext, logger: Logger, graceMs = 8_000): void {
  let closing = false;
  const close = (signal: string) => {
    if (closing) process.exit(1);
    closing = true;
    const timer = setTimeout(() => process.exit(1), graceMs);
    timer.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: (error as Error).message, signal }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => close('SIGTERM'));
  process.once('SIGINT', () => close('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: (reason as Error)?.stack ?? String(reason) }, 'unhandled rejection');
    process.exit(1);
  });
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error.stack ?? error.message }, 'uncaught exception');
    process.exit(1);
  });
}
