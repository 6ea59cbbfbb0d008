import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FakeUsage } from '@dh/testing';
import { sleep, waitFor } from '@dh/testing';
import { BudgetMonth } from '../src/budget/budget-month.js';
import { spendKey } from '../src/budget/spend-ledger.repository.js';
import { DEFAULT_PERSONA } from '../src/persona/persona.js';
import { DialogueHarness } from './dialogue-harness.js';

// Round prices, so that scripted token counts cost round sums: a million of each kind costs 0.5, 1 and 2 CNY.
const env = {
  MONTHLY_LLM_BUDGET_CNY: '10',
  DEEPSEEK_PRICE_CACHE_HIT_CNY_PER_M: '0.5',
  DEEPSEEK_PRICE_CACHE_MISS_CNY_PER_M: '1',
  DEEPSEEK_PRICE_OUTPUT_CNY_PER_M: '2',
  LLM_BREAKER_THRESHOLD: '100',
};

/** Usage the fake reports for an answer costing `cny` at the prices above (all of it uncached prompt). */
const costing = (cny: number): Partial<FakeUsage> => ({
  prompt_cache_hit_tokens: 0,
  prompt_cache_miss_tokens: cny * 1_000_000,
  completion_tokens: 0,
});

const thisMonth = () => new BudgetMonth('Asia/Shanghai').of(Date.now());

function previousMonth(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return number === 1 ? `${year - 1}-12` : `${year}-${String(number - 1).padStart(2, '0')}`;
}

describe('the monthly DeepSeek budget (real process, Redis; fake DeepSeek)', () => {
  const harness = new DialogueHarness(env);
  before(() => harness.start());
  after(() => harness.stop());

  const ledger = () => harness.ns.redis.hgetall(harness.ns.key(spendKey(thisMonth())));

  /** Scripts one two-sentence answer costing `cny`, asks for it, and returns how it was answered. */
  async function answerCosting(cny: number, room = 'p-budget') {
    harness.fake.enqueue({ stream: '好的，没问题。我们继续聊吧！', usage: costing(cny) });
    const utterance = await harness.say('随便聊聊', { room });
    return harness.answer(utterance.turnId);
  }

  test('each answer’s cost and tokens go to this month’s ledger, which survives a restart', async () => {
    assert.equal(await harness.metric('dh_llm_budget_cny'), 10);
    assert.equal(await harness.metric('dh_llm_month_cost_cny'), 0);
    assert.equal((await harness.heartbeatFlags()).llm, 'online');

    // 0.5 + 2 × 1 + 1 × 2 = 4.5 CNY
    harness.fake.enqueue({
      stream: '好的。',
      usage: { prompt_cache_hit_tokens: 1_000_000, prompt_cache_miss_tokens: 2_000_000, completion_tokens: 1_000_000 },
    });
    const first = await harness.say('你好', { room: 'p-budget' });
    assert.equal((await harness.answer(first.turnId)).end.outcome, 'answered');
    assert.deepEqual(await ledger(), {
      micro_cny: '4500000',
      cache_hit: '1000000',
      cache_miss: '2000000',
      completion: '1000000',
    });
    const ttl = await harness.ns.redis.ttl(harness.ns.key(spendKey(thisMonth())));
    assert.ok(ttl > 60 * 86_400 && ttl <= 70 * 86_400, `ledger TTL ${ttl} s`);
    assert.equal(await harness.metric('dh_llm_month_cost_cny'), 4.5);

    await harness.service.stop();
    await harness.service.start();
    assert.equal(await harness.metric('dh_llm_cost_cny_total'), 0, 'the counter starts again at 0');
    assert.equal(await harness.metric('dh_llm_month_cost_cny'), 4.5, 'the month does not');

    assert.equal((await answerCosting(1)).end.outcome, 'answered');
    assert.equal((await ledger()).micro_cny, '5500000');
    assert.equal(await harness.metric('dh_llm_month_cost_cny'), 5.5);
    assert.deepEqual(await harness.notices(), [], 'no notice below 80 %');
  });

  test('at 80 % one budget notice goes to everyone', async () => {
    await answerCosting(3); // 8.5 of 10
    const [notice] = await waitFor('the 80 % notice', async () => {
      const notices = await harness.notices();
      return notices.length > 0 ? notices : undefined;
    });
    assert.equal(notice!.code, 'budget');
    assert.equal(notice!.room, undefined, 'for every room');
    assert.match(notice!.zh, /^本月对话额度已用 80%/);
    assert.match(notice!.en, /80%/);

    assert.equal((await answerCosting(0.5)).end.outcome, 'answered'); // 9 of 10
    await sleep(200);
    assert.equal((await harness.notices()).length, 1, 'once, not at every answer over 80 %');
  });

  test('at 100 %: the answer under way is finished, then the offline persona answers and DeepSeek is not asked', async () => {
    const crossing = await answerCosting(1.5); // 10.5 of 10
    assert.equal(crossing.end.outcome, 'answered');
    assert.deepEqual(
      crossing.jobs.map((j) => j.text),
      ['好的，没问题。', '我们继续聊吧！'],
    );
    const notices = await waitFor('the spent notice', async () => {
      const all = await harness.notices();
      return all.length === 2 ? all : undefined;
    });
    assert.match(notices[1]!.zh, /^本月对话额度已用完/);
    assert.equal(notices[1]!.room, undefined);
    await waitFor('heartbeat flag llm=budget', async () => (await harness.heartbeatFlags()).llm === 'budget', 10_000);
    assert.equal(await harness.metric('dh_llm_month_cost_cny'), 10.5);

    const requests = harness.fake.requests.length;
    const other = await harness.say('给我讲个笑话', { room: 'p-budget-spent' });
    const hello = await harness.say('你好', { room: 'p-budget-spent' });
    const greeting = await harness.say('', { room: 'p-budget-spent', input: 'greeting' });
    const a = await harness.answer(other.turnId);
    const b = await harness.answer(hello.turnId);
    const c = await harness.answer(greeting.turnId);
    assert.equal(a.end.outcome, 'offline');
    assert.deepEqual(
      a.jobs.map((j) => j.text),
      [DEFAULT_PERSONA.replies.offline],
    );
    assert.deepEqual(
      b.jobs.map((j) => j.text),
      [DEFAULT_PERSONA.replies.offlineGreeting],
    );
    assert.equal(c.end.outcome, 'greeting');
    assert.equal(harness.fake.requests.length, requests, 'DeepSeek received no request');
    assert.equal((await ledger()).micro_cny, '10500000');
  });

  test('a restart in a spent month stays offline and tells nobody again', async () => {
    await harness.service.stop();
    await harness.service.start();
    assert.equal((await harness.heartbeatFlags()).llm, 'budget', 'from the first heartbeat');
    const requests = harness.fake.requests.length;
    const utterance = await harness.say('还在吗', { room: 'p-budget-restart' });
    assert.equal((await harness.answer(utterance.turnId)).end.outcome, 'offline');
    assert.equal(harness.fake.requests.length, requests);
    await sleep(200);
    assert.equal((await harness.notices()).length, 2);
    assert.doesNotMatch(harness.service.output.join('\n'), /还在吗|给我讲个笑话/, 'no guest text in the log');
  });
});

describe('a new month (real process)', () => {
  const harness = new DialogueHarness(env);
  before(async () => {
    // Last month was spent three times over; this month's ledger is empty.
    await harness.ns.redis.hset(harness.ns.key(spendKey(previousMonth(thisMonth()))), 'micro_cny', 30_000_000);
    await harness.start();
  });
  after(() => harness.stop());

  test('last month’s spend does not count: the LLM answers and the page is told so', async () => {
    assert.equal((await harness.heartbeatFlags()).llm, 'online');
    assert.equal(await harness.metric('dh_llm_month_cost_cny'), 0);
    harness.fake.enqueue({ stream: '新的一个月，你好！', usage: costing(2) });
    const utterance = await harness.say('你好', { room: 'p-new-month' });
    const { end } = await harness.answer(utterance.turnId);
    assert.equal(end.outcome, 'answered');
    assert.equal(harness.fake.requests.length, 1);
    assert.equal(await harness.metric('dh_llm_month_cost_cny'), 2);
    assert.deepEqual(await harness.notices(), []);
  });
});
