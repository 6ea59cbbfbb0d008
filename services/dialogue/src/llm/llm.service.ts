import { Inject, Injectable } from '@nestjs/common';
import type { Logger, ServiceMetrics } from '@dh/observability';
import { CONFIG, LOGGER, METRICS } from '@dh/runtime';
import { SpendBudget } from '../budget/spend-budget.js';
import type { DialogueConfig } from '../dialogue.config.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { LlmClient } from './llm-client.js';
import { type LlmPrices, MICRO_CNY_PER_CNY, costMicroCny } from './llm-cost.js';
import { CircuitOpenError, LlmAbortedError, LlmError } from './llm-errors.js';
import type { AttemptResult, ChatMessage, LlmEvent, LlmUsage } from './llm-types.js';

/**
 * The dialogue's door to the LLM: the client with its retry policy, the circuit breaker around whole turns,
 * and token and cost accounting (metrics, and the month's spend ledger). Null client when no API key is
 * configured (the offline persona answers).
 */
@Injectable()
export class LlmService {
  private readonly client: LlmClient | undefined;
  private readonly breaker: CircuitBreaker;
  private readonly prices: LlmPrices;

  constructor(
    @Inject(CONFIG) config: DialogueConfig,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly budget: SpendBudget,
  ) {
    this.client = config.DEEPSEEK_API_KEY
      ? new LlmClient({
          apiKey: config.DEEPSEEK_API_KEY,
          baseUrl: config.DEEPSEEK_BASE_URL,
          model: config.DEEPSEEK_MODEL,
          thinking: config.DEEPSEEK_THINKING,
          firstTokenTimeoutMs: config.LLM_FIRST_TOKEN_TIMEOUT_MS,
          idleTimeoutMs: config.LLM_IDLE_TIMEOUT_MS,
          maxAttempts: config.LLM_MAX_ATTEMPTS,
          retryBaseMs: config.LLM_RETRY_BASE_MS,
          maxTokens: config.LLM_MAX_TOKENS,
        })
      : undefined;
    this.breaker = new CircuitBreaker({
      threshold: config.LLM_BREAKER_THRESHOLD,
      cooldownMs: config.LLM_BREAKER_COOLDOWN_MS,
    });
    this.prices = {
      cacheHitCnyPerM: config.DEEPSEEK_PRICE_CACHE_HIT_CNY_PER_M,
      cacheMissCnyPerM: config.DEEPSEEK_PRICE_CACHE_MISS_CNY_PER_M,
      outputCnyPerM: config.DEEPSEEK_PRICE_OUTPUT_CNY_PER_M,
    };
  }

  get online(): boolean {
    return this.client !== undefined;
  }

  /**
   * Streams the answer's text. Throws CircuitOpenError at once while the breaker is open, LlmAbortedError when
   * `signal` aborts, and another LlmError when the provider failed. Usage is accounted here, not yielded.
   */
  async *answer(messages: ChatMessage[], turnId: string, signal?: AbortSignal): AsyncGenerator<string, void> {
    if (!this.client) throw new LlmError('no API key configured', false);
    if (!this.breaker.tryAcquire()) {
      this.metrics.llmRequests.inc({ result: 'circuit_open' });
      throw new CircuitOpenError();
    }
    let verdict: 'success' | 'failure' | 'abandoned' = 'success';
    try {
      for await (const event of this.client.stream(messages, {
        signal,
        onAttempt: (result, error) => this.onAttempt(turnId, result, error),
      })) {
        if (event.type === 'text') yield event.text;
        else await this.account(event, turnId);
      }
    } catch (error) {
      verdict = error instanceof LlmAbortedError ? 'abandoned' : 'failure';
      throw error;
    } finally {
      // A caller that stops early (the answer hit the content filter) still had a working provider.
      if (verdict === 'success') this.breaker.recordSuccess();
      else if (verdict === 'failure') this.breaker.recordFailure();
      else this.breaker.recordAbandoned();
    }
  }

  /** Awaited before the answer ends, so that the next turn's budget check already counts this answer. */
  private async account(event: Extract<LlmEvent, { type: 'usage' }>, turnId: string): Promise<void> {
    const usage: LlmUsage = event.usage;
    const microCny = costMicroCny(usage, this.prices);
    this.metrics.llmTokens.inc({ kind: 'cache_hit' }, usage.cacheHitTokens);
    this.metrics.llmTokens.inc({ kind: 'cache_miss' }, usage.cacheMissTokens);
    this.metrics.llmTokens.inc({ kind: 'completion' }, usage.completionTokens);
    this.metrics.llmCost.inc(microCny / MICRO_CNY_PER_CNY);
    this.logger.debug({ turnId, ...usage, microCny }, 'llm usage');
    await this.budget.record(microCny, usage);
  }

  private onAttempt(turnId: string, result: AttemptResult, error?: LlmError): void {
    this.metrics.llmRequests.inc({ result });
    if (error) {
      this.logger.warn(
        {
          turnId,
          result,
          error: error.name,
          statusCode: error.statusCode,
          retryable: error.retryable,
          reason: error.message,
        },
        'llm attempt failed',
      );
    }
  }
}
