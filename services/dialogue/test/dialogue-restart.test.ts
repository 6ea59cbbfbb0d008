import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '@dh/testing';
import { DialogueHarness } from './dialogue-harness.js';

const harness = new DialogueHarness();
before(() => harness.start());
after(() => harness.stop());

const sentences = (tag: string) => Array.from({ length: 6 }, (_, i) => `${tag}第${i + 1}句话在这里。`);

describe('dialogue killed mid-turn (real process)', () => {
  test('SIGKILL mid-stream, start again: exactly one complete answer, no sentence twice', async () => {
    // The first run streams slowly, so it dies in the middle; the regenerated answer differs, which shows
    // which run produced each sentence.
    harness.fake.enqueue({ stream: sentences('甲').join(''), chunkChars: 2, delayMs: 120 });
    harness.fake.setDefault(() => ({ stream: sentences('乙').join(''), chunkChars: 4, delayMs: 5 }));
    const utterance = await harness.say('讲个长故事', { room: 'p-restart' });

    const enqueuedBeforeKill = await waitFor(
      'the first sentences of the slow answer',
      async () => {
        const jobs = await harness.jobs(utterance.turnId);
        return jobs.length >= 2 ? jobs.length : undefined;
      },
      20_000,
      10,
    );
    await harness.service.kill('SIGKILL');
    const enqueued = (await harness.jobs(utterance.turnId)).length;
    assert.ok(enqueued >= enqueuedBeforeKill && enqueued < 6, `killed mid-answer (${enqueued} of 6 enqueued)`);
    assert.equal((await harness.speechEnds(utterance.turnId)).length, 0);

    await harness.service.start();
    const { end, jobs } = await harness.answer(utterance.turnId);
    assert.equal(end.outcome, 'answered');
    assert.equal(end.sentences, 6);
    assert.deepEqual(
      jobs.map((j) => j.index),
      [0, 1, 2, 3, 4, 5],
    );
    const expected = [...sentences('甲').slice(0, enqueued), ...sentences('乙').slice(enqueued)];
    assert.deepEqual(
      jobs.map((j) => j.text),
      expected,
    );
    assert.equal(harness.fake.requests.length, 2, 'the turn was generated again after the restart');
    await waitFor('utterance acknowledged', async () => (await harness.pendingUtterances()) === 0, 10_000);
    assert.equal((await harness.speechEnds(utterance.turnId)).length, 1);

    // The history holds what the guest heard.
    const next = await harness.say('然后呢', { room: 'p-restart' });
    await harness.answer(next.turnId);
    const history = harness.fake.requests.at(-1)!.body.messages!;
    assert.equal(history[2]!.content, expected.join(''));
  });
});

describe('dialogue stopped mid-turn (real process)', () => {
  const stopped = new DialogueHarness();
  before(() => stopped.start());
  after(() => stopped.stop());

  test('SIGTERM mid-stream stops at once, leaves the turn pending, and the next process finishes it once', async () => {
    stopped.fake.enqueue({ stream: sentences('丙').join(''), chunkChars: 2, delayMs: 150 });
    stopped.fake.setDefault(() => ({ stream: sentences('丁').join('') }));
    const utterance = await stopped.say('慢慢讲', { room: 'p-sigterm' });
    await waitFor('a first sentence', async () => (await stopped.jobs(utterance.turnId)).length >= 1, 20_000, 10);
    await stopped.service.kill('SIGTERM');
    assert.equal(stopped.service.process?.exitCode, 0, 'a clean exit');
    const enqueued = (await stopped.jobs(utterance.turnId)).length;
    assert.ok(enqueued < 6);
    assert.equal(await stopped.pendingUtterances(), 1, 'the turn stays pending for the next process');

    await stopped.service.start();
    const { end, jobs } = await stopped.answer(utterance.turnId);
    assert.equal(end.sentences, 6);
    assert.deepEqual(
      jobs.map((j) => j.text),
      [...sentences('丙').slice(0, enqueued), ...sentences('丁').slice(enqueued)],
    );
    await waitFor('utterance acknowledged', async () => (await stopped.pendingUtterances()) === 0, 10_000);
    assert.equal((await stopped.speechEnds(utterance.turnId)).length, 1);
  });
});
