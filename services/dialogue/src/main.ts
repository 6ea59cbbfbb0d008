import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit } from '@dh/config';
import { createLogger } from '@dh/observability';
import { NestPinoLogger, installShutdown } from '@dh/runtime';
import { dialogueConfigSpec } from './dialogue.config.js';
import { DialogueModule } from './dialogue.module.js';

const config = loadConfigOrExit('dialogue', dialogueConfigSpec);
const logger = createLogger('dialogue', config.LOG_LEVEL);
const app = await NestFactory.createApplicationContext(DialogueModule.forRoot(config), {
  logger: new NestPinoLogger(logger),
});
installShutdown(app, logger);
await app.init();
