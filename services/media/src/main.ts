import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit } from '@dh/config';
import { createLogger } from '@dh/observability';
import { NestPinoLogger, installShutdown } from '@dh/runtime';
import { mediaConfigSpec } from './media.config.js';
import { MediaModule } from './media.module.js';

const config = loadConfigOrExit('media', mediaConfigSpec);
const logger = createLogger('media', config.LOG_LEVEL);
const app = await NestFactory.createApplicationContext(MediaModule.forRoot(config), {
  logger: new NestPinoLogger(logger),
});
installShutdown(app, logger);
await app.init();
