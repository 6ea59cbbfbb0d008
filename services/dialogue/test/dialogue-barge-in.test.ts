import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KeyPrefix, TurnCancels } from '@dh/streams';
import { waitFor } from '@dh/testing';
import { DialogueHarness } from './dialogue-harness.js';

const harness = new DialogueHarness();
before(() => harness.start());
after(() => harness.stop());

describe('a guest speaks over the answer (media marks the turn cancelled, with what was heard)', () => {
  test('the streaming request is aborted at once, not at the next sentence, and history keeps what was heard', async () => {
    const cancels = new TurnCancels(harness.ns.redis, new KeyPrefix(harness.ns.prefix));
    // One sentence, then a long one still streaming for ~6 s with no sentence end in it.
    const long = '然后我们沿着小河一直往前走'.repeat(12);
    harness.fake.enqueue({ stream: `我来讲个故事。${long}。`, chunkChars: 2, delayMs: 40 });
    const story = await harness.say('讲个故事', { room: 'p-barge' });
    await waitFor('the first sentence queued', async () => (await harness.jobs(story.turnId)).length === 1, 10_000);

    const cancelledAt = Date.now();
    await cancels.cancel(story.turnId, '我来讲');
    const { end, jobs } = await harness.answer(story.turnId);
    assert.equal(end.outcome, 'interrupted');
    assert.deepEqual(
      jobs.map((j) => j.text),
      ['我来讲个故事。'],
    );
    const request = harness.fake.requests.at(-1)!;
    assert.ok(request.abandonedAt !== undefined, 'the request was abandoned, not streamed to its end');
    console.log(`llm request aborted ${request.abandonedAt - cancelledAt} ms after the barge-in`);

    // The guest types next (no voice utterance carries anything): the model is told what was heard.
    const next = await harness.say('等等，换一个', { room: 'p-barge' });
    await harness.answer(next.turnId);
    const messages = harness.fake.requests.at(-1)!.body.messages!;
    const told = messages.filter((m) => m.role === 'assistant').at(-1)!;
    assert.equal(told.content, '我来讲……（被打断）');
    assert.equal(messages.at(-1)!.content, '等等，换一个');
  });

  test('an answer that had ended before the barge-in is cut too, and only once', async () => {
    const cancels = new TurnCancels(harness.ns.redis, new KeyPrefix(harness.ns.prefix));
    harness.fake.enqueue({ stream: '第一句。第二句。第三句。' });
    const first = await harness.say('你好', { room: 'p-barge-2' });
    await harness.answer(first.turnId);
    // The whole answer was written long ago; the guest spoke over its voice during the second sentence.
    await cancels.cancel(first.turnId, '第一句。第二');
    for (const text of ['一', '二']) {
      const turn = await harness.say(text, { room: 'p-barge-2' });
      await harness.answer(turn.turnId);
    }
    const messages = harness.fake.requests.at(-1)!.body.messages!;
    const assistants = messages.filter((m) => m.role === 'assistant').map((m) => m.content);
    assert.equal(assistants[0], '第一句。第二……（被打断）');
    assert.equal(assistants.length, 2, 'the later answer stands whole');
    assert.ok(!assistants[1]!.includes('（被打断）'));
  });
});
