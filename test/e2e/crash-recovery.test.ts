import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Streams } from '@dh/contracts';
import { type GuestClient, Stack, sleep, waitFor } from '@dh/testing';

const turnOf = (segmentId: string) => segmentId.slice(0, segmentId.lastIndexOf('-'));

/** A long answer of several sentences, streamed slowly so a service can be killed in the middle of it. */
const LONG_ANSWER = '一号句子到这里。二号句子到这里。三号句子到这里。四号句子到这里。五号句子到这里。六号句子到这里。';
const SENTENCES = LONG_ANSWER.split('。')
  .filter(Boolean)
  .map((s) => `${s}。`);

describe('a service killed in the middle of a turn: the turn is answered exactly once', () => {
  const stack = new Stack({ serviceEnv: { tts: { TTS_LOCK_MS: '2000' } } });
  let guest: GuestClient;

  before(async () => {
    await stack.start();
    guest = await stack.guest('小刚');
    await guest.waitForTranscriptions(1); // the greeting
  });
  after(() => stack.stop());

  async function sentencesQueued(): Promise<number> {
    const entries = await stack.ns.redis.xrange(stack.ns.key(Streams.speech), '-', '+');
    return entries.filter(([, f]) => f[1]!.includes('号句子')).length;
  }

  async function completeAnswer(from: number): Promise<string[]> {
    await waitFor(
      'the whole answer',
      () => guest.transcriptions.slice(from).filter((t) => t.text.includes('号句子')).length >= SENTENCES.length,
      60_000,
    );
    await waitFor('listening again', () => guest.avatarState === 'listening', 30_000);
    await sleep(1_500); // room for a duplicate to show up
    const said = guest.transcriptions.slice(from);
    assert.equal(new Set(said.map((t) => turnOf(t.segmentId))).size, 1, 'one answer');
    assert.equal(new Set(said.map((t) => t.segmentId)).size, said.length, 'no sentence twice');
    return said.map((t) => t.text);
  }

  test('dialogue SIGKILLed mid-stream and restarted', async () => {
    stack.deepseek.enqueue({ stream: LONG_ANSWER, chunkChars: 3, delayMs: 120 });
    stack.deepseek.enqueue({ stream: LONG_ANSWER, chunkChars: 3, delayMs: 20 }); // the regenerated answer
    const from = guest.transcriptions.length;
    const queuedBefore = await sentencesQueued();
    await guest.say('请讲一个长故事');
    await waitFor('a sentence or two spoken', async () => (await sentencesQueued()) - queuedBefore >= 1, 20_000);
    await stack.services.dialogue.kill('SIGKILL');
    await stack.services.dialogue.start();
    assert.deepEqual(await completeAnswer(from), SENTENCES);
  });

  test('tts SIGKILLed with sentences queued and restarted', async () => {
    stack.deepseek.enqueue({ stream: LONG_ANSWER, chunkChars: 6, delayMs: 1 });
    const from = guest.transcriptions.length;
    const queuedBefore = await sentencesQueued();
    await guest.say('再讲一个长故事');
    await waitFor('the first sentence synthesized', async () => (await sentencesQueued()) - queuedBefore >= 1, 20_000);
    await stack.services.tts.kill('SIGKILL');
    await stack.services.tts.start();
    assert.deepEqual(await completeAnswer(from), SENTENCES);
    await waitFor(
      'nothing pending',
      async () => {
        const p = await stack.pending();
        return p.utterances === 0 && p.speech === 0 && p.ttsJobs === 0;
      },
      20_000,
    );
  });
});
