import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AVATAR_IDENTITY, NoticeEvent, Streams, parseJson } from '@dh/contracts';
import { type GuestClient, Stack, sleep, waitFor } from '@dh/testing';

const LIMIT = 2;

describe('a shared room: one guest typing fast cannot crowd out the others', () => {
  const stack = new Stack({ serviceEnv: { media: { CHAT_MAX_PENDING_PER_GUEST: String(LIMIT) } } });
  let hong: GuestClient;
  let gang: GuestClient;
  const asked = (text: string) =>
    stack.deepseek.requests.some((r) => r.body.messages?.at(-1)?.content.includes(text) === true);
  const answered = (guest: GuestClient, text: string) =>
    guest.transcriptions.some((t) => t.from === AVATAR_IDENTITY && t.text.includes(text));
  const notices = async () =>
    (await stack.ns.redis.xrange(stack.ns.key(Streams.notices), '-', '+')).map(([, fields]) =>
      parseJson(NoticeEvent, fields[1]!),
    );

  before(async () => {
    await stack.start();
    hong = await stack.guest('小红', 'queue');
    gang = await stack.guest('小刚', 'queue');
    await waitFor(
      'both greetings spoken',
      () =>
        answered(hong, '小红') && answered(hong, '小刚') && answered(gang, '小刚') && hong.avatarState === 'listening',
      40_000,
    );
  });
  after(() => stack.stop());

  test(`past ${LIMIT} unanswered messages a guest is told to wait; the others are answered as usual`, async () => {
    // Answers take a while to start, so that 小红's messages pile up.
    stack.deepseek.setDefault((request) => ({
      stream: `好的，${String(request.body.messages?.at(-1)?.content ?? '')}。`,
      firstDelayMs: 1_500,
    }));
    for (const n of [1, 2, 3, 4]) await hong.say(`红的第${n}句`);
    await sleep(300); // the four are taken (or not) before 小刚 speaks
    await gang.say('刚的第一句');

    await waitFor(
      'the answers',
      () => ['红的第1句', '红的第2句', '刚的第一句'].every((t) => answered(gang, t)),
      30_000,
    );
    await waitFor('back to listening', () => gang.avatarState === 'listening', 30_000);
    await sleep(1_000); // anything more would arrive in this time
    assert.ok(!asked('红的第3句') && !asked('红的第4句'), 'messages over the limit never reach the LLM');
    assert.ok(!answered(hong, '红的第3句') && !answered(hong, '红的第4句'));

    const waits = (await notices()).filter((n) => n.code === 'wait_for_answer');
    assert.equal(waits.length, 1, 'one notice for the two refused messages');
    assert.equal(waits[0]!.room, hong.join.room);
    assert.equal(waits[0]!.identity, hong.join.identity, 'for 小红 only');
    assert.match(waits[0]!.zh, /请等/);
    assert.match(waits[0]!.en, /wait/);
    const metrics = await stack.metrics('media');
    assert.match(metrics, /^dh_chat_messages_total\{[^}]*result="ignored"[^}]*\} 2$/m);
  });

  test('once the answers have been spoken, the guest is heard again', async () => {
    await hong.say('红的第5句');
    await waitFor('the answer', () => answered(hong, '红的第5句'), 30_000);
  });
});
