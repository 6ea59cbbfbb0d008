import { Inject, Injectable } from '@nestjs/common';
import type { UtteranceEvent } from '@dh/contracts';
import { CONFIG } from '@dh/runtime';
import { SpendBudget } from '../budget/spend-budget.js';
import type { DialogueConfig } from '../dialogue.config.js';
import { LlmService } from '../llm/llm.service.js';
import { ContentFilterStore } from '../text/content-filter.store.js';
import { codePointLength } from '../text/speech-text.js';
import { MessageRateLimiter } from './rate-limiter.js';
import type { TurnRoute } from './turn-route.js';

/**
 * Picks how to answer a guest's message. Every message counts against the guest's rate limit before anything
 * else is looked at, so that a flood of over-long or blocked messages is limited too.
 */
@Injectable()
export class ReplyRouter {
  constructor(
    @Inject(CONFIG) private readonly config: DialogueConfig,
    private readonly limiter: MessageRateLimiter,
    private readonly filters: ContentFilterStore,
    private readonly llm: LlmService,
    private readonly budget: SpendBudget,
  ) {}

  async route(utterance: UtteranceEvent): Promise<TurnRoute> {
    if (utterance.input === 'greeting') return 'greeting';
    if (await this.limiter.overLimit(utterance.room, utterance.identity)) return 'rate_limited';
    if (codePointLength(utterance.text) > this.config.MESSAGE_MAX_CHARS) return 'too_long';
    if (this.filters.current().blocks(utterance.text)) return 'refused';
    // The month's DeepSeek budget spent: the offline persona answers, as without a key, until the month turns.
    if (!this.llm.online || this.budget.spent) return 'offline';
    return 'llm';
  }
}
