import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit } from '@dh/config';
import { createLogger } from '@dh/observability';
import { NestPinoLogger, installShutdown } from '@dh/runtime';
import { ttsConfigSpec } from './tts.config.js';
import { TtsModule } from './tts.module.js';

const config = loadConfigOrExit('tts', ttsConfigSpec);
const logger = createLogger('tts', config.LOG_LEVEL);
const app = await NestFactory.createApplicationContext(TtsModule.forRoot(config), {
  logger: new NestPinoLogger(logger),
});
installShutdown(app, logger);
await app.init();
