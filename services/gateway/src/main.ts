import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { WsAdapter } from '@nestjs/platform-ws';
import { loadConfigOrExit } from '@dh/config';
import { createLogger } from '@dh/observability';
import { NestPinoLogger, installShutdown } from '@dh/runtime';
import { gatewayConfigSpec } from './gateway.config.js';
import { GatewayModule } from './gateway.module.js';
import { requireJson } from './http/require-json.middleware.js';
import { parseFeedFrame } from './feed/frame-parser.js';
import { StaticFiles } from './static/static-files.js';

const config = loadConfigOrExit('gateway', gatewayConfigSpec);
const logger = createLogger('gateway', config.LOG_LEVEL);
const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config), {
  logger: new NestPinoLogger(logger),
  bodyParser: false,
});
// Behind nginx the client is in X-Forwarded-For; trusting only the proxy keeps the rate limit per real address.
app.set('trust proxy', config.TRUST_PROXY);
app.disable('x-powered-by');
app.use('/api', requireJson);
// A join body is a name, a passcode and a room: 16 kB is generous and keeps junk cheap to refuse.
app.useBodyParser('json', { limit: '16kb' });
// The page, its assets and the owner's avatar images; anything else falls through to the API (or its 404).
app.use(app.get(StaticFiles).handle);
// /ws shares the HTTP port; every frame, bad ones too, reaches the feed's handlers (see parseFeedFrame).
app.useWebSocketAdapter(new WsAdapter(app, { messageParser: parseFeedFrame }));
installShutdown(app, logger);
await app.listen(config.PUBLIC_PORT, config.PUBLIC_HOST);
logger.info({ port: config.PUBLIC_PORT, host: config.PUBLIC_HOST }, 'gateway listening');
