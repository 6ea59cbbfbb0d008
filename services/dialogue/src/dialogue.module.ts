import { type DynamicModule, Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { KEYS, REDIS, RuntimeModule } from '@dh/runtime';
import { IdempotencyStore, type KeyPrefix } from '@dh/streams';
import type { DialogueConfig } from './dialogue.config.js';
import { HistoryRepository } from './history/history.repository.js';
import { LlmService } from './llm/llm.service.js';
import { PersonaStore } from './persona/persona.store.js';
import { ContentFilterStore } from './text/content-filter.store.js';
import { LlmAnswer } from './turn/llm-answer.js';
import { MessageRateLimiter } from './turn/rate-limiter.js';
import { ReplyRouter } from './turn/reply-router.js';
import { SentenceQueue } from './turn/sentence-queue.js';
import { TurnProgressRepository } from './turn/turn-progress.repository.js';
import { TurnService } from './turn/turn.service.js';
import { UtteranceConsumer } from './turn/utterance.consumer.js';

@Module({})
export class DialogueModule {
  static forRoot(config: DialogueConfig): DynamicModule {
    return {
      module: DialogueModule,
      imports: [
        RuntimeModule.forRoot(
          {
            service: 'dialogue',
            redisUrl: config.REDIS_URL,
            redisPrefix: config.REDIS_PREFIX,
            metricsPort: config.METRICS_PORT,
            logLevel: config.LOG_LEVEL,
          },
          config,
        ),
      ],
      providers: [
        {
          provide: IdempotencyStore,
          useFactory: (redis: Redis, keys: KeyPrefix) => new IdempotencyStore(redis, keys),
          inject: [REDIS, KEYS],
        },
        PersonaStore,
        ContentFilterStore,
        LlmService,
        HistoryRepository,
        MessageRateLimiter,
        ReplyRouter,
        SentenceQueue,
        TurnProgressRepository,
        LlmAnswer,
        TurnService,
        UtteranceConsumer,
      ],
    };
  }
}
