import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { NoticeEvent, Streams, parseJson } from '@dh/contracts';
import { ServiceMetrics, createLogger } from '@dh/observability';
import { KeyPrefix } from '@dh/streams';
import { RedisNamespace } from '@dh/testing';
import { BudgetNoticeWriter } from '../src/budget/budget-notice.writer.js';
import { SpendBudget } from '../src/budget/spend-budget.js';
import { SpendLedger, spendKey } from '../src/budget/spend-ledger.repository.js';

/*
 * The budget in-process against a real Redis, with a clock of the test's own: the month can turn (and replicas
 * can share it) without waiting for a real month. The dialogue process tests cover the rest of the way.
 */

const usage = { cacheHitTokens: 0, cacheMissTokens: 0, completionTokens: 0 };

class Rig {
  readonly keys: KeyPrefix;
  readonly ledger: SpendLedger;
  readonly notices: BudgetNoticeWriter;
  now = Date.parse('2026-11-30T15:00:00Z'); // 23:00 on 30 November in Shanghai
  private readonly budgets: SpendBudget[] = [];

  constructor(readonly ns: RedisNamespace) {
    this.keys = new KeyPrefix(ns.prefix);
    this.ledger = new SpendLedger(ns.redis, this.keys);
    this.notices = new BudgetNoticeWriter(ns.redis, this.keys);
  }

  /** One dialogue replica's budget, started as Nest would start it. */
  async budget(
    budgetCny: number,
    redis: Redis = this.ns.redis,
  ): Promise<{ budget: SpendBudget; metrics: ServiceMetrics }> {
    const metrics = new ServiceMetrics('dialogue');
    const ledger = redis === this.ns.redis ? this.ledger : new SpendLedger(redis, this.keys);
    const budget = new SpendBudget(
      { budgetCny, timeZone: 'Asia/Shanghai', refreshMs: 60_000, clock: () => this.now },
      ledger,
      this.notices,
      metrics,
      createLogger('dialogue', 'silent'),
    );
    await budget.onModuleInit();
    this.budgets.push(budget);
    return { budget, metrics };
  }

  async noticeTexts(): Promise<string[]> {
    const entries = await this.ns.redis.xrange(this.ns.key(Streams.notices), '-', '+');
    return entries.map(([, fields]) => {
      const notice = parseJson(NoticeEvent, fields[1]!);
      assert.equal(notice.code, 'budget');
      assert.equal(notice.room, undefined, 'for everyone');
      return notice.zh;
    });
  }

  async spentMicroCny(month: string): Promise<number> {
    return Number(await this.ns.redis.hget(this.ns.key(spendKey(month)), 'micro_cny'));
  }

  async close(): Promise<void> {
    for (const budget of this.budgets) budget.beforeApplicationShutdown();
    await this.ns.cleanup();
  }
}

async function gauge(metrics: ServiceMetrics, name: string): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  const value = (await metric?.get())?.values[0]?.value;
  return value ?? Number.NaN;
}

describe('SpendBudget (real Redis, injected clock)', () => {
  test('the month turns in the owner’s time zone: a spent November, then December answers again', async () => {
    const rig = new Rig(new RedisNamespace());
    try {
      const { budget, metrics } = await rig.budget(1);
      assert.equal(budget.spent, false);
      assert.equal(await gauge(metrics, 'dh_llm_budget_cny'), 1);

      await budget.record(1_000_000, usage);
      assert.equal(budget.spent, true, '1 CNY of 1 CNY spent');
      assert.equal(await gauge(metrics, 'dh_llm_month_cost_cny'), 1);
      const november = await rig.noticeTexts();
      assert.equal(november.length, 1, 'straight to 100 %: only the spent notice');
      assert.match(november[0]!, /用完/);

      // 16:30 UTC on 30 November: still November in UTC, already 1 December in Shanghai.
      rig.now = Date.parse('2026-11-30T16:30:00Z');
      assert.equal(budget.spent, false, 'the new month opens the LLM at once, before any refresh');
      await budget.refresh();
      assert.equal(await gauge(metrics, 'dh_llm_month_cost_cny'), 0);

      await budget.record(800_000, usage);
      assert.equal(budget.spent, false);
      const texts = await rig.noticeTexts();
      assert.equal(texts.length, 2, 'December warns again at 80 %');
      assert.match(texts[1]!, /80%/);
      assert.equal(await rig.spentMicroCny('2026-11'), 1_000_000);
      assert.equal(await rig.spentMicroCny('2026-12'), 800_000);
    } finally {
      await rig.close();
    }
  });

  test('replicas share the month: one’s spend stops the other after its refresh, and each notice goes out once', async () => {
    const rig = new Rig(new RedisNamespace());
    try {
      const a = (await rig.budget(1)).budget;
      const b = (await rig.budget(1)).budget;
      await a.record(900_000, usage);
      await b.refresh();
      assert.equal((await rig.noticeTexts()).length, 1, 'one warning for both replicas');

      await a.record(100_000, usage);
      assert.equal(a.spent, true);
      assert.equal(b.spent, false, 'b has not read the ledger since');
      await b.refresh();
      assert.equal(b.spent, true);
      await b.record(5_000, usage);
      assert.equal(await rig.spentMicroCny('2026-11'), 1_005_000, 'answers already streaming still count');
      const texts = await rig.noticeTexts();
      assert.equal(texts.length, 2, 'one spent notice for both replicas');
      assert.match(texts[0]!, /80%/);
      assert.match(texts[1]!, /用完/);

      // A replica started later (or restarted) finds the month spent and tells nobody again.
      const c = (await rig.budget(1)).budget;
      assert.equal(c.spent, true);
      assert.equal((await rig.noticeTexts()).length, 2);
    } finally {
      await rig.close();
    }
  });

  test('a budget raised mid-month warns again at its own 80 %', async () => {
    const rig = new Rig(new RedisNamespace());
    try {
      await (await rig.budget(1)).budget.record(1_000_000, usage);
      assert.equal((await rig.noticeTexts()).length, 1);
      const raised = (await rig.budget(2)).budget;
      assert.equal(raised.spent, false);
      await raised.record(600_000, usage);
      const texts = await rig.noticeTexts();
      assert.equal(texts.length, 2);
      assert.match(texts[1]!, /80%/);
    } finally {
      await rig.close();
    }
  });

  test('a budget of 0 allows no spend at all', async () => {
    const rig = new Rig(new RedisNamespace());
    try {
      const { budget } = await rig.budget(0);
      assert.equal(budget.spent, true);
      rig.now = Date.parse('2026-12-15T00:00:00Z');
      assert.equal(budget.spent, true, 'not even in a new month');
    } finally {
      await rig.close();
    }
  });

  test('a ledger Redis cannot reach costs no answer: record and refresh do not throw', async () => {
    const rig = new Rig(new RedisNamespace());
    const away = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    try {
      const { budget } = await rig.budget(1, away);
      await budget.record(2_000_000, usage);
      await budget.refresh();
      assert.equal(budget.spent, false);
    } finally {
      away.disconnect();
      await rig.close();
    }
  });
});
