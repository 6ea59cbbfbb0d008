import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultText, sleep } from '@dh/testing';
import { DEFAULT_PERSONA } from '../src/persona/persona.js';
import { DialogueHarness } from './dialogue-harness.js';

const harness = new DialogueHarness({ MESSAGE_MAX_CHARS: '50', MESSAGE_RATE_LIMIT: '3', LLM_BREAKER_THRESHOLD: '100' });
before(() => harness.start());
after(() => harness.stop());

describe('dialogue answers (real process, Redis, BullMQ; fake DeepSeek)', () => {
  test('an answer becomes one job per sentence, in order, and one speech.end with the count', async () => {
    harness.fake.enqueue({
      stream: '你好呀！今天天气真不错。我们可以去公园散步；你觉得怎么样？',
      chunkChars: 3,
    });
    const utterance = await harness.say('今天天气如何？', { room: 'p-order' });
    const { end, jobs } = await harness.answer(utterance.turnId);
    assert.deepEqual(
      jobs.map((j) => [j.index, j.text]),
      [
        [0, '你好呀！'],
        [1, '今天天气真不错。'],
        [2, '我们可以去公园散步；'],
        [3, '你觉得怎么样？'],
      ],
    );
    for (const job of jobs) {
      assert.equal(job.turnId, utterance.turnId);
      assert.equal(job.room, 'p-order');
      assert.equal(job.seq, utterance.seq);
      assert.equal(job.at, utterance.at);
    }
    assert.equal(end.sentences, 4);
    assert.equal(end.outcome, 'answered');
    assert.equal(end.seq, utterance.seq);
    await sleep(300);
    assert.equal((await harness.speechEnds(utterance.turnId)).length, 1);
  });

  test('the second request carries the first exchange, the persona as system message, thinking off, the model', async () => {
    const room = 'p-history';
    const first = await harness.say('你好', { room });
    await harness.answer(first.turnId);
    const requestsBefore = harness.fake.requests.length;
    const second = await harness.say('你叫什么名字？', { room });
    await harness.answer(second.turnId);
    const request = harness.fake.requests[requestsBefore]!;
    assert.equal(request.body.model, 'deepseek-flash');
    assert.deepEqual(request.body.thinking, { type: 'disabled' });
    assert.equal(request.body.stream, true);
    assert.deepEqual(request.body.messages, [
      { role: 'system', content: DEFAULT_PERSONA.systemPrompt },
      { role: 'user', content: '你好' },
      {
        role: 'assistant',
        content: defaultText({
          path: '',
          authorization: undefined,
          at: 0,
          body: { messages: [{ role: 'user', content: '你好' }] },
        }),
      },
      { role: 'user', content: '你叫什么名字？' },
    ]);
  });

  test('token counters and cost are visible on the metrics port after turns', async () => {
    // The turns above repeated the same system prompt: the fake's prompt cache must have hit.
    assert.ok((await harness.metric('dh_llm_tokens_total', { kind: 'completion' })) > 0);
    assert.ok((await harness.metric('dh_llm_tokens_total', { kind: 'cache_miss' })) > 0);
    assert.ok((await harness.metric('dh_llm_tokens_total', { kind: 'cache_hit' })) > 0);
    assert.ok((await harness.metric('dh_llm_cost_cny_total')) > 0);
    assert.ok((await harness.metric('dh_turns_total', { outcome: 'answered' })) >= 3);
    assert.ok((await harness.metric('dh_llm_requests_total', { result: 'ok' })) >= 3);
  });

  test('the same utterance delivered twice is answered once', async () => {
    harness.fake.enqueue({ stream: '第一次回答。只回答一次！', delayMs: 20 });
    const requestsBefore = harness.fake.requests.length;
    const utterance = await harness.say('重复的消息', { room: 'p-dup' });
    await harness.add(utterance);
    const { end, jobs } = await harness.answer(utterance.turnId);
    await harness.say('后面的消息', { room: 'p-dup' }).then((u) => harness.answer(u.turnId));
    assert.equal(end.sentences, 2);
    assert.deepEqual(
      jobs.map((j) => j.text),
      ['第一次回答。', '只回答一次！'],
    );
    assert.equal((await harness.speechEnds(utterance.turnId)).length, 1);
    // The duplicate made no request of its own: one for the message, one for the later message.
    assert.equal(harness.fake.requests.length, requestsBefore + 2);
    assert.equal(await harness.pendingUtterances(), 0);
  });

  test('a greeting names the guest without asking the LLM and is remembered', async () => {
    const room = 'p-greet';
    const requestsBefore = harness.fake.requests.length;
    const greeting = await harness.say('', { room, input: 'greeting', name: '小红' });
    const { end, jobs } = await harness.answer(greeting.turnId);
    assert.equal(end.outcome, 'greeting');
    assert.deepEqual(
      jobs.map((j) => [j.index, j.text, j.llmMs]),
      [[0, '你好小红！我是开心，很高兴见到你。', 0]],
    );
    assert.equal(harness.fake.requests.length, requestsBefore);
    const next = await harness.say('你好', { room });
    await harness.answer(next.turnId);
    assert.deepEqual(harness.fake.requests.at(-1)!.body.messages!.slice(1), [
      { role: 'assistant', content: '你好小红！我是开心，很高兴见到你。' },
      { role: 'user', content: '你好' },
    ]);
  });

  test('a name on the word list is left out of the greeting', async () => {
    const greeting = await harness.say('', { room: 'p-greet-name', input: 'greeting', name: 'fuck' });
    const { jobs } = await harness.answer(greeting.turnId);
    assert.deepEqual(
      jobs.map((j) => j.text),
      ['你好！我是开心，很高兴见到你。'],
    );
  });

  test('a message over MESSAGE_MAX_CHARS gets the too-long reply', async () => {
    const requestsBefore = harness.fake.requests.length;
    const utterance = await harness.say('长'.repeat(51), { room: 'p-long' });
    const { end, jobs } = await harness.answer(utterance.turnId);
    assert.equal(end.outcome, 'too_long');
    assert.deepEqual(
      jobs.map((j) => j.text),
      [DEFAULT_PERSONA.replies.tooLong],
    );
    assert.equal(harness.fake.requests.length, requestsBefore);
  });

  test('a blocked word in the message gets the refusal, and nothing of it reaches the LLM or the history', async () => {
    const room = 'p-blocked';
    const requestsBefore = harness.fake.requests.length;
    const utterance = await harness.say('你 是 傻 逼', { room });
    const { end, jobs } = await harness.answer(utterance.turnId);
    assert.equal(end.outcome, 'refused');
    assert.deepEqual(
      jobs.map((j) => j.text),
      [DEFAULT_PERSONA.replies.refusal],
    );
    assert.equal(harness.fake.requests.length, requestsBefore);
    const next = await harness.say('我们聊点别的', { room });
    await harness.answer(next.turnId);
    assert.equal(harness.fake.requests.at(-1)!.body.messages!.length, 2, 'system and the new message only');
  });

  test('a blocked word in the answer stops it: what came before stands, then the refusal', async () => {
    harness.fake.enqueue({
      stream: '第一句没有问题。第二句有傻逼这个词。第三句不该出现。',
      chunkChars: 2,
      delayMs: 10,
    });
    const utterance = await harness.say('随便说点什么', { room: 'p-outfilter' });
    const { end, jobs } = await harness.answer(utterance.turnId);
    assert.equal(end.outcome, 'refused');
    assert.deepEqual(
      jobs.map((j) => j.text),
      ['第一句没有问题。', DEFAULT_PERSONA.replies.refusal],
    );
    assert.equal(end.sentences, 2);
  });

  test('a guest over the rate limit gets the rate-limit reply', async () => {
    const room = 'p-rate';
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const utterance = await harness.say(`第${i}条`, { room, identity: 'fast-guest' });
      outcomes.push((await harness.answer(utterance.turnId)).end.outcome);
    }
    assert.deepEqual(outcomes, ['answered', 'answered', 'answered', 'rate_limited']);
    const other = await harness.say('我是另一个人', { room, identity: 'calm-guest' });
    assert.equal((await harness.answer(other.turnId)).end.outcome, 'answered', 'the limit is per guest');
  });

  test('in a shared room the prompt names the guests and each message its speaker', async () => {
    const room = 's-family';
    const a = await harness.say('大家好', { room, shared: 'yes', identity: 'a', name: '爸爸' });
    await harness.answer(a.turnId);
    const b = await harness.say('我也来了', { room, shared: 'yes', identity: 'b', name: '妈妈' });
    await harness.answer(b.turnId);
    const messages = harness.fake.requests.at(-1)!.body.messages!;
    assert.match(messages[0]!.content, /爸爸、妈妈/);
    assert.ok(messages[0]!.content.startsWith(DEFAULT_PERSONA.systemPrompt));
    assert.equal(messages[1]!.content, '爸爸：大家好');
    assert.equal(messages.at(-1)!.content, '妈妈：我也来了');
  });

  test('guest text and names never appear in the log', () => {
    const log = harness.service.output.join('\n');
    for (const secret of ['今天天气如何', '小红', '爸爸', '傻 逼', 'sk-test']) {
      assert.ok(!log.includes(secret), `log must not contain ${secret}`);
    }
    assert.match(log, /turn answered/);
  });
});
