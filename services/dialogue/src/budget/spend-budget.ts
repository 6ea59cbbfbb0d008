import type { BeforeApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Logger, ServiceMetrics } from '@dh/observability';
import { MICRO_CNY_PER_CNY } from '../llm/llm-cost.js';
import type { LlmUsage } from '../llm/llm-types.js';
import { BudgetMonth } from './budget-month.js';
import type { BudgetLevel, BudgetNoticeWriter } from './budget-notice.writer.js';
import type { SpendLedger } from './spend-ledger.repository.js';

export interface SpendBudgetOptions {
  /** CNY a calendar month (MONTHLY_LLM_BUDGET_CNY); 0 allows no spend at all. */
  budgetCny: number;
  /** Where the month turns (BUDGET_TIME_ZONE), e.g. Asia/Shanghai. */
  timeZone: string;
  /** How often the month's total is read again, for what other replicas spent (LLM_BUDGET_REFRESH_MS). */
  refreshMs: number;
  /** Injected in tests; Date.now otherwise. */
  clock?: () => number;
}

/** Share of the budget at which everyone is warned once. */
const WARNING_SHARE = 0.8;

/**
 * The monthly DeepSeek budget. Every answer's cost goes to the shared ledger in Redis; the month's total is
 * kept in memory (updated by each own write and re-read every `refreshMs`), so the check before each answer
 * costs no round trip. At 80 % and at 100 % a notice goes to everyone, once a month; from 100 % on, `spent` is
 * true and the offline persona answers until the month turns. An answer already streaming is finished.
 */
export class SpendBudget implements OnModuleInit, BeforeApplicationShutdown {
  private readonly month: BudgetMonth;
  private readonly budgetMicroCny: number;
  private readonly clock: () => number;
  /** The month's total as last read or written; undefined until the first read. */
  private current: { month: string; microCny: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Notices this process already claimed or saw claimed, by month: Redis is asked once each. */
  private readonly claimed = new Set<string>();
  private wasSpent = false;

  constructor(
    private readonly options: SpendBudgetOptions,
    private readonly ledger: SpendLedger,
    private readonly notices: BudgetNoticeWriter,
    private readonly metrics: ServiceMetrics,
    private readonly logger: Logger,
  ) {
    this.month = new BudgetMonth(options.timeZone);
    this.budgetMicroCny = Math.round(options.budgetCny * MICRO_CNY_PER_CNY);
    this.clock = options.clock ?? Date.now;
    metrics.llmBudget.set(options.budgetCny);
  }

  async onModuleInit(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.refreshMs);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** True while this month's spend has reached the budget. Memory only: cheap enough for every turn. */
  get spent(): boolean {
    const month = this.month.of(this.clock());
    // A month not read yet has spent nothing: the turn of the month opens the LLM at once.
    const total = this.current?.month === month ? this.current.microCny : 0;
    return total >= this.budgetMicroCny;
  }

  /** Adds one answer's cost to this month. Never throws: a lost ledger write must not cost the guest the answer. */
  async record(microCny: number, usage: LlmUsage): Promise<void> {
    const month = this.month.of(this.clock());
    try {
      await this.apply(month, await this.ledger.add(month, microCny, usage));
    } catch (error) {
      this.logger.warn({ month, microCny, err: (error as Error).message }, 'llm spend not recorded');
    }
  }

  /** Reads the month's total again (other replicas spend too). Never throws. */
  async refresh(): Promise<void> {
    const month = this.month.of(this.clock());
    try {
      await this.apply(month, await this.ledger.microCny(month));
    } catch (error) {
      this.logger.warn({ month, err: (error as Error).message }, 'llm spend not read');
    }
  }

  private async apply(month: string, microCny: number): Promise<void> {
    this.current = { month, microCny };
    this.metrics.llmMonthCost.set(microCny / MICRO_CNY_PER_CNY);
    const spent = microCny >= this.budgetMicroCny;
    if (spent !== this.wasSpent) {
      this.wasSpent = spent;
      const figures = { month, spentCny: microCny / MICRO_CNY_PER_CNY, budgetCny: this.options.budgetCny };
      if (spent) this.logger.warn(figures, 'llm budget spent; the offline persona answers until the month turns');
      else this.logger.info(figures, 'llm budget available');
    }
    if (spent) await this.announce(month, 'spent');
    else if (microCny >= WARNING_SHARE * this.budgetMicroCny) await this.announce(month, 'warning');
  }

  /** Once a month and budget, across replicas and restarts: whoever claims it in Redis writes the notice. */
  private async announce(month: string, level: BudgetLevel): Promise<void> {
    // A budget raised mid-month (and the service restarted) warns again at its own 80 % and 100 %.
    const name = `notice:${level}:${this.budgetMicroCny}`;
    const memo = `${month}/${name}`;
    if (this.claimed.has(memo)) return;
    const at = this.clock();
    const won = await this.ledger.claim(month, name, at);
    this.claimed.add(memo);
    if (!won) return;
    await this.notices.write(level, at);
    this.logger.info({ month, level }, 'budget notice sent');
  }
}
