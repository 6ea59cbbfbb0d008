import { type DynamicModule, Module } from '@nestjs/common';
import { RuntimeModule } from '@dh/runtime';
import { AudioCache } from './audio-cache.js';
import { engineProvider } from './engines/engine.provider.js';
import { SpeechPublisher } from './speech-publisher.js';
import type { TtsConfig } from './tts.config.js';
import { TtsService } from './tts.service.js';
import { TtsWorker } from './tts.worker.js';

@Module({})
export class TtsModule {
  static forRoot(config: TtsConfig): DynamicModule {
    return {
      module: TtsModule,
      imports: [
        RuntimeModule.forRoot(
          {
            service: 'tts',
            redisUrl: config.REDIS_URL,
            redisPrefix: config.REDIS_PREFIX,
            metricsPort: config.METRICS_PORT,
            logLevel: config.LOG_LEVEL,
          },
          config,
        ),
      ],
      providers: [engineProvider, AudioCache, TtsService, SpeechPublisher, TtsWorker],
    };
  }
}
