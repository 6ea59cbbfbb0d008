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
      // Voice input arrives with the voice issue; until then the page says it is off.
      providers: [{ provide: HEARTBEAT_FLAGS, useValue: () => ({ voiceInput: false }) }, MediaService],
    };
  }
}
