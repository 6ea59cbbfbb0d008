import { type DynamicModule, Module } from '@nestjs/common';
import { HEARTBEAT_FLAGS, RuntimeModule } from '@dh/runtime';
import type { MediaConfig } from './media.config.js';
import { MediaService } from './media.service.js';

@Module({})
export class MediaModule {
  static forRoot(config: MediaConfig): DynamicModule {
    return {
      module: MediaModule,
      imports: [RuntimeModule.forService('media', config)],
      // The page offers the microphone only when the avatar can understand speech.
      providers: [
        {
          provide: HEARTBEAT_FLAGS,
          useValue: () => ({ voiceInput: Boolean(config.STT_BASE_URL && config.STT_MODEL) }),
        },
        MediaService,
      ],
    };
  }
}
