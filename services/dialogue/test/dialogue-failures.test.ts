import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '@dh/testing';
import { DEFAULT_PERSONA } from '../src/persona/persona.js';
import { DialogueHarness } from './dialogue-harness.js';

const harness = new DialogueHarness({
  LLM_FIRST_TOKEN_TIMEOUT_MS: '1000',
  LLM_IDLE_TIMEOUT_MS: '500',
  LLM_MAX_ATTEMPTS: '3',
  LLM_BREAKER_THRESHOLD: '100',
});
before(() => harness.start());
after(() => harness.stop());

/** Requests the fake received for one turn's message. */
function requestsFor(text: string): number {
  return harness.fake.requests.filter((r) => r.body.messages?.at(-1)?.content === text).length;
}

describe('dialogue when DeepSeek fails (real process)', () => {
  test('429, 429, then success: answered once', async () => {
    harness.fake.enqueue({ error: 429 }, { error: 429 }, { stream: '终于轮到我了。很高兴回答你！' });
    const utterance = await harness.say('限流测试', { room: 'p-429' });
    const { end, jobs } = await harness.answer(utterance.turnId);
    assert.equal(end.outcome, 'answered');
    assert.deepEqual(
      jobs.map((j) => j.text),
      ['终于轮到我了。', '很高兴回答你！'],
    );
    assert.equal(requestsFor('限流测试'), 3);
    assert.equal((await harness.speechEnds(utterance.turnId)).length, 1);
  });

  test('always 500: one apology sentence after LLM_MAX_ATTEMPTS requests', async () => {
    harness.fake.enqueue({ error: 500 }, { error: 500 }, { error: 500 });
    const utterance = await harness.say('服务器错误测试', { room: 'p-500' });
    const { end, jobs } = await harness.answer(utterance.turnId);
    assert.equal(end.outcome, 'apology');
    assert.equal(end.sentences, 1);
    assert.deepEqual(
      jobs.map((j) => [j.index, j.text]),
      [[0, DEFAULT_PERSONA.replies.apology]],
    );
    assert.equal(requestsFor('服务器错误测试'), 3);
  });

  test('401: no retry, the apology at once', async () => {
    harness.fake.enqueue({ error: 401 });
    const utterance = await harness.say('密钥错误测试', { room: 'p-401' });
    const { end } = await harness.answer(utterance.turnId);
    assert.equal(end.outcome, 'apology');
    assert.equal(requestsFor('密钥错误测试'), 1);
  });

  test('the stream stalls midway: the spoken part stands, then an apology; nothing left pending', async () => {
    harness.fake.enqueue({ stall: true, text: '第一句已经说完了。第二句也说完了！第三句说到一半', afterChars: 22 });
    const utterance = await harness.say('卡住测试', { room: 'p-stall' });
    const { end, jobs } = await harness.answer(utterance.turnId);
    assert.equal(end.outcome, 'apology');
    assert.deepEqual(
      jobs.map((j) => [j.index, j.text]),
      [
        [0, '第一句已经说完了。'],
        [1, '第二句也说完了！'],
        [2, DEFAULT_PERSONA.replies.midStreamApology],
      ],
    );
    assert.equal(end.sentences, 3);
    assert.equal(requestsFor('卡住测试'), 1, 'not retried once the answer had started');
    await waitFor('utterances acknowledged', async () => (await harness.pendingUtterances()) === 0, 10_000);
  });

  test('no first token at all: time-outs, then the apology; the handler does not hang', async () => {
    harness.fake.enqueue({ hang: true }, { hang: true }, { hang: true });
    const utterance = await harness.say('无响应测试', { room: 'p-hang' });
    const { end, jobs } = await harness.answer(utterance.turnId);
    assert.equal(end.outcome, 'apology');
    assert.deepEqual(
      jobs.map((j) => j.text),
      [DEFAULT_PERSONA.replies.apology],
    );
    assert.equal(requestsFor('无响应测试'), 3);
    assert.ok(jobs[0]!.llmMs >= 3_000, 'llmMs counts the time spent waiting for the LLM');
    await waitFor('utterances acknowledged', async () => (await harness.pendingUtterances()) === 0, 10_000);
  });

  test('a later turn in the same process is answered normally again', async () => {
    const utterance = await harness.say('恢复了吗', { room: 'p-hang' });
    const { end } = await harness.answer(utterance.turnId);
    assert.equal(end.outcome, 'answered');
    assert.ok((await harness.metric('dh_llm_requests_total', { result: 'retry' })) >= 6);
    assert.ok((await harness.metric('dh_turns_total', { outcome: 'apology' })) >= 4);
  });
});

describe('circuit breaker (real process)', () => {
  const breaker = new DialogueHarness({ LLM_BREAKER_THRESHOLD: '2', LLM_BREAKER_COOLDOWN_MS: '1500' });
  before(() => breaker.start());
  after(() => breaker.stop());

  test('after THRESHOLD failed turns the apology comes without asking; after the cool-down a trial closes it', async () => {
    breaker.fake.enqueue({ error: 401 }, { error: 401 });
    for (const text of ['一', '二']) {
      const utterance = await breaker.say(text, { room: 'p-breaker' });
      assert.equal((await breaker.answer(utterance.turnId)).end.outcome, 'apology');
    }
    assert.equal(breaker.fake.requests.length, 2);
    const open = await breaker.say('三', { room: 'p-breaker' });
    const { end } = await breaker.answer(open.turnId);
    assert.equal(end.outcome, 'apology');
    assert.equal(breaker.fake.requests.length, 2, 'no request while the breaker is open');
    assert.equal(await breaker.metric('dh_llm_requests_total', { result: 'circuit_open' }), 1);

    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const trial = await breaker.say('四', { room: 'p-breaker' });
    assert.equal((await breaker.answer(trial.turnId)).end.outcome, 'answered');
    const after = await breaker.say('五', { room: 'p-breaker' });
    assert.equal((await breaker.answer(after.turnId)).end.outcome, 'answered');
    assert.equal(breaker.fake.requests.length, 4);
  });
});
