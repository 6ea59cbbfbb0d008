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
      imports: [RuntimeModule.forService('tts', config)],
      providers: [engineProvider, AudioCache, TtsService, SpeechPublisher, TtsWorker],
    };
  }
}
