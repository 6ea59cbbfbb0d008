import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger, ServiceMetrics } from '@dh/observability';
import { HEARTBEAT_FLAGS, LOGGER, METRICS, RuntimeModule } from '@dh/runtime';
import { BudgetNoticeWriter } from './budget/budget-notice.writer.js';
import { SpendBudget } from './budget/spend-budget.js';
import { SpendLedger } from './budget/spend-ledger.repository.js';
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
        SpendLedger,
        BudgetNoticeWriter,
        {
          provide: SpendBudget,
          useFactory: (ledger: SpendLedger, notices: BudgetNoticeWriter, metrics: ServiceMetrics, logger: Logger) =>
            new SpendBudget(
              {
                budgetCny: config.MONTHLY_LLM_BUDGET_CNY,
                timeZone: config.BUDGET_TIME_ZONE,
                refreshMs: config.LLM_BUDGET_REFRESH_MS,
              },
              ledger,
              notices,
              metrics,
              logger,
            ),
          inject: [SpendLedger, BudgetNoticeWriter, METRICS, LOGGER],
        },
        // The gateway shows these to guests: whether the LLM answers (or the month's budget is spent), and how
        // long a message may be.
        {
          provide: HEARTBEAT_FLAGS,
          useFactory: (budget: SpendBudget) => () => ({
            llm: !config.DEEPSEEK_API_KEY ? 'offline' : budget.spent ? 'budget' : 'online',
            messageMaxChars: config.MESSAGE_MAX_CHARS,
          }),
          inject: [SpendBudget],
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
