import { type DynamicModule, Module } from '@nestjs/common';
import { RuntimeModule } from '@dh/runtime';
import type { MediaConfig } from './media.config.js';
import { MediaService } from './media.service.js';

@Module({})
export class MediaModule {
  static forRoot(config: MediaConfig): DynamicModule {
    return {
      module: MediaModule,
      imports: [
        RuntimeModule.forRoot(
          {
            service: 'media',
            redisUrl: config.REDIS_URL,
            redisPrefix: config.REDIS_PREFIX,
            metricsPort: config.METRICS_PORT,
            logLevel: config.LOG_LEVEL,
          },
          config,
        ),
      ],
      providers: [MediaService],
    };
  }
}
