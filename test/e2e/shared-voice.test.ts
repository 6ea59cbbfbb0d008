import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AVATAR_IDENTITY } from '@dh/contracts';
import { FakeStt, type GuestClient, Stack, concatAudio, espeakSpeech, silence, sleep, waitFor } from '@dh/testing';

/** The answer's turn id from a segment id `<turnId>-<index>`. */
const turnOf = (segmentId: string) => segmentId.slice(0, segmentId.lastIndexOf('-'));

describe('a shared room: two guests speak at once, the avatar answers each in turn, by name', () => {
  const stt = new FakeStt();
  let stack: Stack;
  let hong: GuestClient;
  let gang: GuestClient;

  before(async () => {
    await stt.start();
    stack = new Stack({ serviceEnv: { media: { STT_BASE_URL: stt.url, STT_MODEL: 'whisper-large-v3-turbo' } } });
    await stack.start();
    hong = await stack.guest('小红', 'family');
    gang = await stack.guest('小刚', 'family');
    // 小红 hears both greetings; 小刚 may join after 小红's was spoken, so he is sure to hear only his own.
    const greeted = (guest: GuestClient, name: string) =>
      guest.transcriptions.some((t) => t.from === AVATAR_IDENTITY && t.text.includes(name));
    await waitFor(
      'both greetings spoken',
      () => greeted(hong, '小红') && greeted(hong, '小刚') && greeted(gang, '小刚') && hong.avatarState === 'listening',
      40_000,
    );
  });
  after(async () => {
    await stack.stop();
    await stt.stop();
  });

  test('two answers, in the order the guests finished, each to the right person', async () => {
    // The fake STT tells the two apart by length: 小红 says something short, 小刚 something long.
    const short = espeakSpeech('你好');
    const long = espeakSpeech('我想听一个关于大海的故事');
    stt.setDefault((request) => ((request.wav?.durationMs ?? 0) < 2_000 ? '你好' : '我想听一个关于大海的故事'));
    const before = stack.deepseek.requests.length;
    const [hongMic, gangMic] = await Promise.all([hong.publishMicrophone(), gang.publishMicrophone()]);
    await Promise.all([
      hongMic.play(concatAudio(silence(200), short, silence(1_500))),
      gangMic.play(concatAudio(silence(200), long, silence(1_500))),
    ]);

    const answers = await waitFor(
      'two answers',
      () => {
        const seen = hong.transcriptions.filter((t) => t.from === AVATAR_IDENTITY && t.text.includes('：'));
        const turns = [...new Set(seen.map((t) => turnOf(t.segmentId)))];
        return turns.length >= 2 ? turns.map((id) => seen.filter((t) => turnOf(t.segmentId) === id)) : undefined;
      },
      40_000,
    );
    await sleep(1_000); // a third answer would show up in this time
    const [first, second] = answers.map((lines) => lines.map((t) => t.text).join(''));
    assert.match(first!, /小红：你好/, 'the first to finish speaking is answered first, by name');
    assert.match(second!, /小刚：我想听一个关于大海的故事/, 'then the other');

    const requests = stack.deepseek.requests.slice(before);
    assert.equal(requests.length, 2, 'one turn each');
    const [toHong, toGang] = requests.map((r) => r.body.messages!);
    assert.match(toHong!.at(-1)!.content, /^小红：你好$/);
    assert.match(toGang!.at(-1)!.content, /^小刚：我想听一个关于大海的故事$/);
    const system = toGang![0]!.content;
    assert.ok(system.includes('小红') && system.includes('小刚'), 'the avatar knows who is in the room');
    assert.ok(
      toGang!.some((m) => m.role === 'user' && m.content === '小红：你好'),
      'and who said what before',
    );

    // Both guests see both transcripts, each from its speaker, and the same answers.
    for (const listener of [hong, gang]) {
      assert.ok(listener.transcriptions.some((t) => t.from === hong.join.identity && t.text === '你好'));
      assert.ok(listener.transcriptions.some((t) => t.from === gang.join.identity && t.text.includes('大海')));
    }
  });
});
