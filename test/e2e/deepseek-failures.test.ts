import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type GuestClient, Stack, sleep, waitFor } from '@dh/testing';
import { persona } from './persona-texts.js';

/** Texts the avatar said after `from` (an index into the guest's transcriptions). */
const saidSince = (guest: GuestClient, from: number) => guest.transcriptions.slice(from).map((t) => t.text);

describe('a failing DeepSeek still gets every guest an answer', () => {
  const stack = new Stack({
    serviceEnv: {
      dialogue: { LLM_RETRY_BASE_MS: '50', LLM_IDLE_TIMEOUT_MS: '1000', LLM_FIRST_TOKEN_TIMEOUT_MS: '2000' },
    },
  });
  let guest: GuestClient;

  before(async () => {
    await stack.start();
    guest = await stack.guest('小红');
    await guest.waitForTranscriptions(1); // the greeting
  });
  after(() => stack.stop());

  /** Says `message`, waits for `sentences` sentences of answer, and a moment more for any extra one. */
  async function answerTo(message: string, sentences: number): Promise<string[]> {
    const from = guest.transcriptions.length;
    await guest.say(message);
    await waitFor(`${sentences} sentences`, () => guest.transcriptions.length >= from + sentences, 30_000);
    await sleep(1_500);
    return saidSince(guest, from);
  }

  test('429 twice, then success: answered once', async () => {
    stack.deepseek.enqueue({ error: 429, retryAfterS: 0 }, { error: 429 });
    const before = stack.deepseek.requests.length;
    const said = await answerTo('限流测试', 2);
    assert.equal(stack.deepseek.requests.length - before, 3, 'two retries');
    assert.equal(said.filter((t) => t.includes('限流测试')).length, 1, `answered once: ${said.join(' | ')}`);
    assert.ok(!said.includes(persona.replies.apology));
  });

  test('always 500: the spoken apology', async () => {
    stack.deepseek.enqueue({ error: 500 }, { error: 500 }, { error: 500 });
    const said = await answerTo('服务器错误测试', 1);
    assert.deepEqual(said, [persona.replies.apology]);
  });

  test('a stream that stalls midway: what was said stands, then an apology; nothing left pending', async () => {
    stack.deepseek.enqueue({ stall: true, afterChars: 14, text: '第一句说完了。第二句永远不会说完' });
    const said = await answerTo('卡住测试', 2);
    assert.deepEqual(said, ['第一句说完了。', persona.replies.midStreamApology]);
    await waitFor('nothing pending', async () => {
      const p = await stack.pending();
      return p.utterances === 0 && p.speech === 0 && p.ttsJobs === 0;
    });
  });

  test('401 is not retried and still gets the apology', async () => {
    stack.deepseek.enqueue({ error: 401 });
    const before = stack.deepseek.requests.length;
    const said = await answerTo('密钥错误测试', 1);
    assert.equal(stack.deepseek.requests.length - before, 1);
    assert.deepEqual(said, [persona.replies.apology]);
  });
});
