import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ttsJobId } from '@dh/contracts';
import { ServiceProcess, waitFor } from '@dh/testing';
import { TtsHarness, sentenceJob } from './tts-harness.js';

void describe('tts service killed with jobs in hand', () => {
  let tts: TtsHarness;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dh-tts-crash-'));
    const slowBin = join(dir, 'slow-espeak-ng');
    // Real espeak-ng, a little slower, so that jobs are surely active when the process is killed.
    writeFileSync(slowBin, '#!/bin/sh\nsleep 0.3\nexec espeak-ng "$@"\n');
    chmodSync(slowBin, 0o755);
    tts = await TtsHarness.start({ ESPEAK_BIN: slowBin, TTS_LOCK_MS: '2000', TTS_CONCURRENCY: '2' });
  });
  after(async () => {
    await tts?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  void test('SIGKILL, then a restart: every queued sentence still gets its event', async () => {
    const turnId = sentenceJob().turnId;
    const count = 12;
    for (let index = 0; index < count; index += 1)
      await tts.add(sentenceJob({ turnId, index, text: `第${index + 1}句话，我们继续聊天吧。` }));
    await tts.waitForSentences(turnId, 1);
    await tts.service.kill('SIGKILL');
    const before = (await tts.sentences()).filter((e) => e.turnId === turnId).length;
    assert.ok(before < count, `killed with ${count - before} sentences left`);

    const restarted = new ServiceProcess({ name: 'tts', env: tts.service.env });
    await restarted.start();
    try {
      const events = await waitFor(
        'an event for every sentence',
        async () => {
          const seen = (await tts.sentences()).filter((e) => e.turnId === turnId);
          return new Set(seen.map((e) => e.index)).size === count ? seen : undefined;
        },
        60_000,
      );
      for (const event of events) assert.ok(event.audioKey, `sentence ${event.index} has audio`);
      const jobs = await Promise.all(
        Array.from({ length: count }, (_, index) => tts.queue.getJob(ttsJobId(turnId, index))),
      );
      // The jobs that were active at the kill came back through BullMQ's stalled-job recovery.
      assert.ok(
        jobs.some((job) => (job?.stalledCounter ?? 0) > 0),
        'at least one job was recovered after stalling',
      );
      // A job's event published just before the kill may be repeated (media deduplicates); no more than that.
      const perIndex = new Map<number, number>();
      for (const event of events) perIndex.set(event.index, (perIndex.get(event.index) ?? 0) + 1);
      assert.ok([...perIndex.values()].every((n) => n <= 2));
    } finally {
      await restarted.stop();
    }
  });
});

void describe('tts service killed again and again on the same sentence', () => {
  let tts: TtsHarness;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dh-tts-stuck-'));
    const stuckBin = join(dir, 'stuck-espeak-ng');
    // An engine that never answers, so the job is in hand whenever the process is killed.
    writeFileSync(stuckBin, '#!/bin/sh\nexec sleep 30\n');
    chmodSync(stuckBin, 0o755);
    tts = await TtsHarness.start({ ESPEAK_BIN: stuckBin, TTS_LOCK_MS: '2000', TTS_TIMEOUT_MS: '60000' });
  });
  after(async () => {
    await tts?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  void test('a job that stalls more often than BullMQ allows still yields its sentence, without audio', async () => {
    const job = sentenceJob({ text: '这句话每次都让服务崩溃。' });
    await tts.add(job);
    const id = ttsJobId(job.turnId, job.index);
    let service = tts.service;
    const restarts: ServiceProcess[] = [];
    try {
      for (const started of [1, 2]) {
        await waitFor(
          `start number ${started} of the job`,
          async () => ((await tts.queue.getJob(id))?.attemptsStarted ?? 0) >= started || undefined,
          30_000,
        );
        await service.kill('SIGKILL');
        service = new ServiceProcess({ name: 'tts', env: tts.service.env });
        restarts.push(service);
        await service.start();
      }
      const [event] = await tts.waitForSentences(job.turnId, 1, 30_000);
      assert.equal(event?.audioKey, null);
      assert.equal(event?.text, job.text);
      const stored = await tts.queue.getJob(id);
      assert.equal(await stored?.getState(), 'failed');
      assert.match(stored?.failedReason ?? '', /stalled/);
      assert.equal((await tts.sentences()).filter((e) => e.turnId === job.turnId).length, 1);
    } finally {
      for (const restarted of restarts) await restarted.stop();
    }
  });
});
