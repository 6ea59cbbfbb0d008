import { type DynamicModule, Module } from '@nestjs/common';
import { RuntimeModule } from '@dh/runtime';
import type { MediaConfig } from './media.config.js';
import { MediaService } from './media.service.js';

@Module({})
export class MediaModule {
  static forRoot(config: MediaConfig): DynamicModule {
    return {
      module: MediaModule,
      imports: [RuntimeModule.forService('media', config)],
      providers: [MediaService],
    };
  }
}
