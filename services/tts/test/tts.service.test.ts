import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeAudioBlob, ttsJobId } from '@dh/contracts';
import { waitFor } from '@dh/testing';
import { TtsHarness, rms, sentenceJob } from './tts-harness.js';

void describe('tts service (real process, Redis, espeak-ng)', () => {
  let tts: TtsHarness;

  before(async () => {
    tts = await TtsHarness.start({ TTS_CACHE_TTL_S: '600' });
  });
  after(async () => {
    await tts?.stop();
  });

  void test('a job becomes a speech.sentence event whose audio is voiced PCM', async () => {
    const job = sentenceJob({ room: 'p-first', seq: 3, index: 0, text: '你好，我是开心。', llmMs: 120 });
    await tts.add(job);
    const [event] = await tts.waitForSentences(job.turnId, 1);
    assert.ok(event);
    assert.equal(event.type, 'speech.sentence');
    assert.equal(event.turnId, job.turnId);
    assert.equal(event.room, 'p-first');
    assert.equal(event.seq, 3);
    assert.equal(event.index, 0);
    assert.equal(event.text, job.text);
    assert.equal(event.llmMs, 120);
    assert.equal(event.at, job.at);
    assert.equal(event.sampleRate, 22_050);
    assert.ok(event.synthMs > 0, 'a fresh synthesis reports its time');
    assert.ok(event.audioKey, 'audio key present');
    assert.match(event.audioKey, /^tts:audio:[0-9a-f]{64}$/, 'the key is relative to the prefix');

    const blob = await tts.audio(event.audioKey);
    assert.ok(blob, 'audio blob stored under the prefix');
    const pcm = decodeAudioBlob(blob);
    assert.equal(pcm.sampleRate, 22_050);
    assert.ok(pcm.samples.length / 2 / pcm.sampleRate > 0.5, 'at least half a second of speech');
    assert.ok(rms(pcm.samples) > 500, `voiced (rms ${rms(pcm.samples)})`);
    const ttl = await tts.ns.redis.ttl(tts.ns.key(event.audioKey));
    assert.ok(ttl > 0 && ttl <= 600, `TTL ${ttl}`);
  });

  void test('the same text again comes from the cache, refreshes its TTL and counts a hit', async () => {
    const text = '欢迎再来玩！';
    const first = sentenceJob({ text });
    await tts.add(first);
    const [original] = await tts.waitForSentences(first.turnId, 1);
    assert.ok(original?.audioKey);
    assert.ok(original.synthMs > 0);
    const hitsBefore = await tts.metric('dh_tts_cache_total', { result: 'hit' });
    // Age the entry so that a refreshed TTL is visible.
    await tts.ns.redis.expire(tts.ns.key(original.audioKey), 30);

    const again = sentenceJob({ text, index: 2, seq: 7 });
    await tts.add(again);
    const [cached] = await tts.waitForSentences(again.turnId, 1);
    assert.ok(cached);
    assert.equal(cached.synthMs, 0);
    assert.equal(cached.audioKey, original.audioKey);
    assert.equal(cached.sampleRate, 22_050);
    assert.equal(cached.index, 2);
    assert.equal(cached.seq, 7);
    const ttl = await tts.ns.redis.ttl(tts.ns.key(original.audioKey));
    assert.ok(ttl > 30, `TTL refreshed, now ${ttl}`);
    await waitFor('the hit counter to move', async () =>
      (await tts.metric('dh_tts_cache_total', { result: 'hit' })) === hitsBefore + 1 ? true : undefined,
    );
    assert.ok((await tts.metric('dh_tts_cache_total', { result: 'miss' })) >= 1);
    assert.ok((await tts.metric('dh_tts_synthesis_seconds_count', { engine: 'espeak' })) >= 1);
  });

  void test('Chinese and English sentences get different voices', async () => {
    const zh = sentenceJob({ text: '我们一起唱歌吧。' });
    const en = sentenceJob({ text: 'Let us sing together.' });
    await tts.add(zh);
    await tts.add(en);
    const [zhEvent] = await tts.waitForSentences(zh.turnId, 1);
    const [enEvent] = await tts.waitForSentences(en.turnId, 1);
    assert.ok(zhEvent?.audioKey && enEvent?.audioKey);
    assert.notEqual(zhEvent.audioKey, enEvent.audioKey);
    for (const key of [zhEvent.audioKey, enEvent.audioKey]) {
      const blob = await tts.audio(key);
      assert.ok(blob && rms(decodeAudioBlob(blob).samples) > 500);
    }
  });

  void test('every sentence of a turn gets exactly one event, whatever order synthesis finishes in', async () => {
    const turnId = sentenceJob().turnId;
    // Lengths vary a lot so that, with two jobs at once, later sentences can finish first.
    const texts = [
      '今天天气很好，我们一起去公园散步，看看花，听听鸟叫，然后回家吃饭。',
      '好。',
      'This one is in English and a little longer than the next.',
      '嗯。',
      '你喜欢什么颜色？我最喜欢蓝色，因为它像天空和大海。',
      '谢谢！',
      '再见。',
      'OK.',
      '我们下次再聊吧，祝你今天过得开心快乐，万事如意。',
      '哈哈。',
      '晚安。',
      '明天见！',
    ];
    for (const [index, text] of texts.entries()) await tts.add(sentenceJob({ turnId, index, text, seq: 9 }));
    const events = await tts.waitForSentences(turnId, texts.length);
    await waitFor('every job to complete', async () => {
      const states = await Promise.all(
        texts.map(async (_, index) => (await tts.queue.getJob(ttsJobId(turnId, index)))?.getState()),
      );
      return states.every((state) => state === 'completed') ? true : undefined;
    });
    const final = (await tts.sentences()).filter((e) => e.turnId === turnId);
    assert.equal(final.length, texts.length, 'no sentence published twice');
    assert.equal(events.length, texts.length);
    const byIndex = new Map(final.map((e) => [e.index, e]));
    assert.equal(byIndex.size, texts.length);
    for (const [index, text] of texts.entries()) {
      const event = byIndex.get(index);
      assert.equal(event?.text, text, `sentence ${index} carries its own text`);
      assert.ok(event?.audioKey, `sentence ${index} has audio`);
    }
  });

  void test('a sentence of punctuation only goes out at once without audio', async () => {
    const job = sentenceJob({ text: '……' });
    await tts.add(job);
    const [event] = await tts.waitForSentences(job.turnId, 1);
    assert.equal(event?.audioKey, null);
    assert.equal(event?.text, '……');
    const stored = await tts.queue.getJob(ttsJobId(job.turnId, job.index));
    assert.equal(await stored?.getState(), 'failed');
    assert.equal(stored?.attemptsMade, 1, 'an empty result is not retried');
  });

  void test('an invalid job fails without an event and the worker goes on', async () => {
    const bad = { ...sentenceJob(), text: '' };
    await tts.queue.add('sentence', bad, { jobId: ttsJobId(bad.turnId, 0), attempts: 3 });
    await waitFor('the invalid job to fail', async () =>
      (await (await tts.queue.getJob(ttsJobId(bad.turnId, 0)))?.getState()) === 'failed' ? true : undefined,
    );
    const failed = await tts.queue.getJob(ttsJobId(bad.turnId, 0));
    assert.equal(failed?.attemptsMade, 1, 'invalid data is not retried');
    assert.match(failed?.failedReason ?? '', /invalid job data/);

    const good = sentenceJob({ text: '还在工作。' });
    await tts.add(good);
    await tts.waitForSentences(good.turnId, 1);
    assert.equal((await tts.sentences()).filter((e) => e.turnId === bad.turnId).length, 0);
  });

  void test('the service never logs what is spoken', async () => {
    const secret = '这是一句不该出现在日志里的话，编号九七三一。';
    const job = sentenceJob({ text: secret });
    await tts.add(job);
    await tts.waitForSentences(job.turnId, 1);
    await waitFor('the job to be logged', () =>
      tts.service.output.some((line) => line.includes(job.turnId) && line.includes('tts sentence ready')),
    );
    const leaks = tts.service.output.filter((line) => line.includes('九七三一'));
    assert.deepEqual(leaks, []);
  });

  void test('SIGTERM closes the worker and Redis and exits with 0 (runs last)', async () => {
    await tts.service.stop();
    assert.equal(tts.service.process?.exitCode, 0);
    assert.equal(await tts.ns.redis.exists(tts.ns.key('heartbeat:tts')), 0, 'heartbeat removed');
  });
});
