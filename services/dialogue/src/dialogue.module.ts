import { type DynamicModule, Module } from '@nestjs/common';
import { HEARTBEAT_FLAGS, RuntimeModule } from '@dh/runtime';
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
      imports: [RuntimeModule.forService('dialogue', config)],
      providers: [
        // The gateway shows these to guests: whether the LLM answers, and how long a message may be.
        {
          provide: HEARTBEAT_FLAGS,
          useValue: () => ({
            llm: config.DEEPSEEK_API_KEY ? 'online' : 'offline',
            messageMaxChars: config.MESSAGE_MAX_CHARS,
          }),
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
