import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AVATAR_IDENTITY } from '@dh/contracts';
import {
  FakeStt,
  type GuestClient,
  type GuestMicrophone,
  Stack,
  concatAudio,
  durationMs,
  espeakSpeech,
  silence,
  sleep,
  waitFor,
  whiteNoise,
} from '@dh/testing';

/** Enough silence after speech for the endpointer (500 ms) and the network to see it end. */
const AFTER = 1_500;

describe('a guest speaks, the avatar hears, transcribes and answers', () => {
  const stt = new FakeStt();
  let stack: Stack;
  let guest: GuestClient;
  let mic: GuestMicrophone;

  before(async () => {
    await stt.start();
    stack = new Stack({ serviceEnv: { media: { STT_BASE_URL: stt.url, STT_MODEL: 'FunAudioLLM/SenseVoiceSmall' } } });
    await stack.start();
    guest = await stack.guest('小明');
    await guest.waitForTranscriptions(1); // the greeting
    await waitFor('the avatar to listen', () => guest.avatarState === 'listening', 20_000);
    mic = await guest.publishMicrophone();
  });
  async function metric(name: string, label = ''): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${stack.metricsPorts.media}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
    return Number(line?.split(' ').at(-1) ?? 0);
  }
  const vadWindows = (outcome: string) => metric('dh_vad_windows_total', `outcome="${outcome}"`);

  after(async () => {
    await stack.stop();
    await stt.stop();
  });

  test('speech becomes the guest’s transcript on lk.transcription, then a spoken answer', async () => {
    const speech = espeakSpeech('今天天气怎么样');
    stt.setDefault(() => '今天天气怎么样');
    const before = guest.transcriptions.length;
    const startedAt = Date.now();
    await mic.play(concatAudio(silence(300), speech, silence(AFTER)));

    const mine = await waitFor(
      'the guest transcript',
      () => guest.transcriptions.slice(before).find((t) => t.from === guest.join.identity && t.final),
      20_000,
    );
    assert.equal(mine.text, '今天天气怎么样');
    assert.equal(mine.trackId, mic.trackSid, 'transcribes the guest’s own microphone track');
    assert.match(mine.segmentId, /^v-/);

    const answer = await waitFor(
      'the spoken answer',
      () => guest.transcriptions.find((t) => t.from === AVATAR_IDENTITY && t.text.includes('今天天气怎么样')),
      30_000,
    );
    assert.ok(answer.at >= mine.at, 'the answer follows the transcript');
    await guest.waitForVoiceAfter(mine.at); // the answer is heard

    assert.equal(stt.requests.length, 1, 'one transcription request for one utterance');
    const wav = stt.requests[0]!.wav!;
    assert.equal(wav.sampleRate, 16_000);
    assert.equal(wav.channels, 1);
    const spoken = durationMs(speech);
    assert.ok(
      wav.durationMs > spoken * 0.7 && wav.durationMs < spoken + 1_000,
      `uploaded ${Math.round(wav.durationMs)} ms for ${Math.round(spoken)} ms of speech`,
    );
    assert.equal(stt.requests[0]!.fields.model, 'FunAudioLLM/SenseVoiceSmall');
    const request = stack.deepseek.requests.at(-1)!;
    assert.ok(JSON.stringify(request.body).includes('今天天气怎么样'), 'the transcript reached the LLM');
    assert.ok(Date.now() - startedAt < 60_000);
  });

  test('silence and steady background noise start no turn', async () => {
    await waitFor('the avatar to listen', () => guest.avatarState === 'listening', 20_000);
    const requests = stt.requests.length;
    const turns = stack.deepseek.requests.length;
    const inferredBefore = await vadWindows('inferred');
    await mic.play(concatAudio(silence(3_000), whiteNoise(4_000, -35), silence(1_000)));
    await sleep(1_000);
    assert.equal(stt.requests.length, requests, 'nothing sent to speech-to-text');
    assert.equal(stack.deepseek.requests.length, turns, 'no turn');
    // The noise is loud enough to pass the energy gate: the model itself judged it not speech.
    assert.ok((await vadWindows('inferred')) - inferredBefore >= 100, 'the VAD model ran on the noise');
  });

  test('a 30-second monologue is cut into parts and answered once, as one turn', async () => {
    await waitFor('the avatar to listen', () => guest.avatarState === 'listening', 20_000);
    const requests = stt.requests.length;
    const turns = stack.deepseek.requests.length;
    const parts = ['第一部分', '第二部分', '第三部分'];
    let part = 0;
    stt.setDefault(() => parts[part++] ?? '还有');
    // One breath: commas only, so espeak pauses briefly and never long enough to end the utterance.
    const clause = '我想给你讲一个很长很长的故事，关于一只小猫和一只小狗，它们每天一起在花园里玩耍，';
    let monologue = espeakSpeech(clause.repeat(2));
    while (durationMs(monologue) < 30_000) monologue = concatAudio(monologue, espeakSpeech(clause));
    await mic.play(concatAudio(monologue, silence(AFTER)));

    const mine = await waitFor(
      'the final guest transcript',
      () => guest.transcriptions.find((t) => t.from === guest.join.identity && t.final && t.text.includes('第一部分')),
      30_000,
    );
    assert.ok(stt.requests.length - requests >= 2, `transcribed in ${stt.requests.length - requests} parts`);
    for (const request of stt.requests.slice(requests)) {
      assert.ok(request.wav!.durationMs <= 15_100, `a part of ${Math.round(request.wav!.durationMs)} ms`);
    }
    assert.ok(mine.text.startsWith('第一部分第二部分'), `one transcript for the whole monologue: ${mine.text}`);
    await waitFor(
      'the answer',
      () => guest.transcriptions.some((t) => t.from === AVATAR_IDENTITY && t.text.includes('第一部分')),
      30_000,
    );
    await sleep(1_000);
    assert.equal(stack.deepseek.requests.length - turns, 1, 'one turn for the monologue');
  });

  test('barge-in: speaking over the avatar stops its voice at once, and the next answer is to the interruption', async () => {
    await waitFor('the avatar to listen', () => guest.avatarState === 'listening', 20_000);
    const story = [
      '从前有一座很高很高的山，山上住着一只爱唱歌的小鸟。',
      '每天早上太阳升起的时候，它都会站在最高的树枝上唱歌。',
      '山下的小朋友们听到歌声，就会跑到山脚下一起跳舞。',
      '有一天，小鸟发现自己的嗓子哑了，一点声音也发不出来。',
      '小朋友们很着急，他们采来了山里最甜的蜂蜜送给小鸟。',
      '过了几天，小鸟的嗓子好了，它唱出了最好听的一首歌。',
    ];
    const bargeInsBefore = await metric('dh_barge_ins_total');
    stack.deepseek.enqueue({ stream: story.join('') });
    stt.setDefault(() => '等一下');
    await guest.say('给我讲个故事');
    const storyStart = await waitFor(
      'the story to be heard',
      () => guest.transcriptions.find((t) => t.from === AVATAR_IDENTITY && t.text.includes('爱唱歌的小鸟')),
      30_000,
    );
    const storyTurn = storyStart.segmentId.slice(0, storyStart.segmentId.lastIndexOf('-'));
    await sleep(2_500); // well into the story

    // One breath, no comma: espeak's comma pause is close to the 500 ms that ends an utterance, and a guest who
    // pauses that long and speaks again is rightly a second barge-in (the answer to the first part has begun).
    const speech = espeakSpeech('等一下我有话要说');
    const speechAt = Date.now() + 200; // after the leading silence
    await mic.play(concatAudio(silence(200), speech, silence(AFTER)));

    // Until the next answer could possibly start, anything voiced is the story still playing.
    const window = guest.voicedFrameTimes.filter((t) => t > speechAt && t < speechAt + durationMs(speech));
    const stoppedAfterMs = (window.at(-1) ?? speechAt) - speechAt;
    console.log(`barge-in: the avatar's voice stopped ${stoppedAfterMs} ms after the guest began to speak`);
    assert.ok(stoppedAfterMs < 1_000, `voice stopped ${stoppedAfterMs} ms after the guest began (generous bound)`);

    const answer = await waitFor(
      'the answer to the interruption',
      () => guest.transcriptions.find((t) => t.from === AVATAR_IDENTITY && t.text.includes('等一下')),
      30_000,
    );
    const laterStory = guest.transcriptions.filter(
      (t) => t.segmentId.startsWith(`${storyTurn}-`) && t.at > speechAt + 1_000,
    );
    assert.deepEqual(laterStory, [], 'nothing more of the story after the interruption');
    assert.ok(answer.at > speechAt);
    // The avatar listened at once, before answering.
    const listened = guest.agentStates.find((s) => s.at > speechAt && s.state === 'listening');
    assert.ok(listened && listened.at < answer.at, 'lk.agent.state went back to listening');
    // The subtitle of the sentence being heard was sent again, cut where the voice stopped.
    const versions = (segmentId: string) => guest.transcriptions.filter((t) => t.segmentId === segmentId);
    const cut = guest.transcriptions.find(
      (t) => t.segmentId.startsWith(`${storyTurn}-`) && t.at > speechAt && versions(t.segmentId).length === 2,
    );
    assert.ok(cut, 'the sentence being heard got a shortened subtitle');
    const [whole] = versions(cut.segmentId);
    assert.ok(cut.text.length < whole!.text.length && whole!.text.startsWith(cut.text), `cut: ${cut.text}`);

    // The LLM was told only what the guest heard of the story, marked as cut off.
    const request = stack.deepseek.requests.at(-1)!;
    const messages = request.body.messages!;
    const told = messages.findLast((m) => m.role === 'assistant')!;
    assert.match(told.content, /……（被打断）$/);
    const heard = told.content.replace(/……（被打断）$/, '');
    assert.ok(heard.length > 0 && heard.length < story.join('').length, `heard: ${heard}`);
    assert.ok(story.join('').startsWith(heard), `what was heard is the story's beginning: ${heard}`);
    assert.equal(messages.at(-1)!.content, '等一下');
    assert.equal(
      (await metric('dh_barge_ins_total')) - bargeInsBefore,
      1,
      'one barge-in: the avatar’s own voice never triggered one',
    );
  });
});
