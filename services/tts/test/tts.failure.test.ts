import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TTS_JOB_OPTIONS, ttsJobId } from '@dh/contracts';
import { waitFor } from '@dh/testing';
import { TtsHarness, sentenceJob } from './tts-harness.js';

void describe('tts service with an engine that always fails', () => {
  let tts: TtsHarness;

  before(async () => {
    tts = await TtsHarness.start({ ESPEAK_BIN: '/bin/false' });
  });
  after(async () => {
    await tts?.stop();
  });

  void test('after every attempt the sentence still goes out, once, without audio', async () => {
    const job = sentenceJob({ index: 4, seq: 2, text: '这句话合成不了。' });
    await tts.add(job);
    const [event] = await tts.waitForSentences(job.turnId, 1);
    assert.ok(event);
    assert.equal(event.audioKey, null);
    assert.equal(event.index, 4);
    assert.equal(event.seq, 2);
    assert.equal(event.text, job.text);
    assert.equal(event.synthMs, 0);
    assert.equal(event.sampleRate, 22_050);

    const stored = await waitFor('the job to fail for good', async () => {
      const found = await tts.queue.getJob(ttsJobId(job.turnId, job.index));
      return found && (await found.getState()) === 'failed' ? found : undefined;
    });
    assert.equal(stored.attemptsMade, TTS_JOB_OPTIONS.attempts);
    assert.equal((await tts.sentences()).filter((e) => e.turnId === job.turnId).length, 1);
    assert.equal(await tts.metric('dh_tts_jobs_total', { result: 'retry' }), TTS_JOB_OPTIONS.attempts - 1);
    assert.equal(await tts.metric('dh_tts_jobs_total', { result: 'failed' }), 1);
    assert.equal(await tts.metric('dh_tts_jobs_total', { result: 'ok' }), 0);
  });

  void test('the service keeps running and handles the next sentence the same way', async () => {
    assert.ok(tts.service.running);
    const job = sentenceJob({ text: 'Still here.' });
    await tts.add(job);
    const [event] = await tts.waitForSentences(job.turnId, 1);
    assert.equal(event?.audioKey, null);
    assert.ok(tts.service.running);
    const heartbeat = await tts.ns.redis.pttl(tts.ns.key('heartbeat:tts'));
    assert.ok(heartbeat > 0, 'heartbeat still alive');
  });
});
