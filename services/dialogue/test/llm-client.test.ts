import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { FakeDeepSeek } from '@dh/testing';
import { LlmClient } from '../src/llm/llm-client.js';
import { LlmAbortedError, LlmError, LlmHttpError, LlmStreamError, LlmTimeoutError } from '../src/llm/llm-errors.js';
import type { AttemptResult, LlmClientOptions, LlmEvent } from '../src/llm/llm-types.js';

const fake = new FakeDeepSeek();
before(() => fake.start());
after(() => fake.stop());
beforeEach(() => fake.reset());

function client(overrides: Partial<LlmClientOptions> = {}): LlmClient {
  return new LlmClient(
    {
      apiKey: 'sk-test',
      baseUrl: fake.url,
      model: 'deepseek-flash',
      thinking: 'disabled',
      firstTokenTimeoutMs: 3_000,
      idleTimeoutMs: 1_000,
      maxAttempts: 3,
      retryBaseMs: 20,
      maxTokens: 400,
      ...overrides,
    },
    () => 0.5,
  );
}

const messages = [
  { role: 'system' as const, content: '你是开心。' },
  { role: 'user' as const, content: '你好' },
];

async function collect(llm: LlmClient, signal?: AbortSignal) {
  const events: LlmEvent[] = [];
  const attempts: AttemptResult[] = [];
  let error: unknown;
  try {
    for await (const event of llm.stream(messages, { signal, onAttempt: (result) => attempts.push(result) })) {
      events.push(event);
    }
  } catch (caught) {
    error = caught;
  }
  const text = events.map((e) => (e.type === 'text' ? e.text : '')).join('');
  const usage = events.find((e) => e.type === 'usage');
  return { text, usage: usage?.type === 'usage' ? usage.usage : undefined, attempts, error };
}

describe('LlmClient against the fake DeepSeek', () => {
  test('streams the answer and its usage; sends model, thinking, stream options and the key', async () => {
    fake.enqueue({ stream: '你好！我是开心，很高兴认识你。今天过得怎么样？', chunkChars: 2 });
    const result = await collect(client({ thinking: 'disabled' }));
    assert.equal(result.error, undefined);
    assert.equal(result.text, '你好！我是开心，很高兴认识你。今天过得怎么样？');
    assert.deepEqual(result.attempts, ['ok']);
    assert.ok(result.usage && result.usage.completionTokens > 0 && result.usage.cacheMissTokens > 0);
    const [request] = fake.requests;
    assert.equal(request!.path, '/chat/completions');
    assert.equal(request!.authorization, 'Bearer sk-test');
    assert.equal(request!.body.model, 'deepseek-flash');
    assert.deepEqual(request!.body.thinking, { type: 'disabled' });
    assert.equal(request!.body.stream, true);
    assert.deepEqual(request!.body.stream_options, { include_usage: true });
    assert.equal(request!.body.max_tokens, 400);
    assert.deepEqual(request!.body.messages, messages);
  });

  test('429 twice, then success: one answer after three requests', async () => {
    fake.enqueue({ error: 429, message: 'Rate limit reached' }, { error: 429 }, { stream: '好的。' });
    const result = await collect(client());
    assert.equal(result.error, undefined);
    assert.equal(result.text, '好的。');
    assert.equal(fake.requests.length, 3);
    assert.deepEqual(result.attempts, ['retry', 'retry', 'ok']);
  });

  test('Retry-After is honoured', async () => {
    fake.enqueue({ error: 503, retryAfterS: 1 }, { stream: '好的。' });
    const result = await collect(client({ retryBaseMs: 0 }));
    assert.equal(result.text, '好的。');
    const gap = fake.requests[1]!.at - fake.requests[0]!.at;
    assert.ok(gap >= 950, `waited ${gap} ms for a Retry-After of 1 s (the backoff alone would be 0)`);
  });

  test('always 500: fails after LLM_MAX_ATTEMPTS requests', async () => {
    fake.setDefault(() => ({ error: 500 }));
    const result = await collect(client({ maxAttempts: 3 }));
    assert.ok(result.error instanceof LlmHttpError);
    assert.equal(result.error.statusCode, 500);
    assert.equal(fake.requests.length, 3);
    assert.deepEqual(result.attempts, ['retry', 'retry', 'failed']);
  });

  for (const status of [400, 401, 402, 422]) {
    test(`${status} is not retried`, async () => {
      fake.enqueue({ error: status }, { stream: '不该用到。' });
      const result = await collect(client());
      assert.ok(result.error instanceof LlmHttpError);
      assert.equal(result.error.statusCode, status);
      assert.equal(result.error.retryable, false);
      assert.equal(fake.requests.length, 1);
    });
  }

  test('a stream that stalls midway ends with an idle time-out, not a hang, and is not retried', async () => {
    fake.enqueue({ stall: true, text: '第一句话说完了。第二句', afterChars: 10 });
    const result = await collect(client({ idleTimeoutMs: 300 }));
    assert.ok(result.error instanceof LlmStreamError, String(result.error));
    const cause = result.error.cause;
    assert.ok(cause instanceof LlmTimeoutError);
    assert.equal(cause.phase, 'idle');
    assert.equal(result.text, '第一句话说完了。第二');
    assert.equal(fake.requests.length, 1);
  });

  test('no first token in time: time-out per attempt, retried, then given up', async () => {
    fake.enqueue({ hang: true }, { hang: true });
    const result = await collect(client({ firstTokenTimeoutMs: 300, maxAttempts: 2 }));
    assert.ok(result.error instanceof LlmTimeoutError, String(result.error));
    assert.equal(result.error.phase, 'first_token');
    assert.equal(fake.requests.length, 2);
    assert.deepEqual(result.attempts, ['retry', 'failed']);
  });

  test('a slow first token after a stall before any text is retried', async () => {
    fake.enqueue({ stall: true, afterChars: 0 }, { stream: '终于好了。' });
    const result = await collect(client({ firstTokenTimeoutMs: 300 }));
    assert.equal(result.error, undefined);
    assert.equal(result.text, '终于好了。');
    assert.equal(fake.requests.length, 2);
  });

  test('in thinking mode the reasoning keeps the stream alive but is not spoken', async () => {
    fake.enqueue({ reasoning: '让我想一想这个问题应该怎么回答才好呢', stream: '想好了。', chunkChars: 1, delayMs: 40 });
    const result = await collect(client({ thinking: 'enabled', firstTokenTimeoutMs: 300, idleTimeoutMs: 300 }));
    assert.equal(result.error, undefined);
    assert.equal(result.text, '想好了。');
    assert.equal(fake.requests.length, 1, 'no first-token time-out while reasoning streams');
  });

  test('the caller’s abort ends the request at once', async () => {
    fake.enqueue({ hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await collect(client({ firstTokenTimeoutMs: 60_000 }), controller.signal);
    assert.ok(result.error instanceof LlmAbortedError, String(result.error));
    assert.equal(fake.requests.length, 1);
  });

  test('a connection refused is retried and then reported as retryable', async () => {
    const closed = new FakeDeepSeek();
    await closed.start();
    const url = closed.url;
    await closed.stop();
    const result = await collect(client({ baseUrl: url, maxAttempts: 2 }));
    assert.ok(result.error instanceof LlmError);
    assert.equal(result.error.retryable, true);
    assert.deepEqual(result.attempts, ['retry', 'failed']);
  });

  test('the /v1 base path works too', async () => {
    fake.enqueue({ stream: '好的。' });
    const result = await collect(client({ baseUrl: `${fake.url}/v1` }));
    assert.equal(result.text, '好的。');
    assert.equal(fake.requests[0]!.path, '/v1/chat/completions');
  });
});
