import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sleep, waitFor } from '@dh/testing';
import { EspeakEngine } from '../src/engines/espeak.engine.js';
import { TtsError } from '../src/engines/tts-error.js';
import { rms } from './tts-harness.js';

const never = () => new AbortController().signal;
const seconds = (pcm: { sampleRate: number; samples: Buffer }) => pcm.samples.length / 2 / pcm.sampleRate;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

void describe('EspeakEngine (real espeak-ng)', () => {
  const engine = new EspeakEngine();
  let dir: string;
  let slowBin: string;
  let pidFile: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dh-tts-espeak-'));
    pidFile = join(dir, 'pid');
    slowBin = join(dir, 'slow-espeak');
    // Stands in for an engine that hangs: records its pid, then sleeps in the same process.
    writeFileSync(slowBin, `#!/bin/sh\necho $$ > '${pidFile}'\nexec sleep 60\n`);
    chmodSync(slowBin, 0o755);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  void test('Chinese text gives voiced Mandarin PCM at 22 050 Hz', async () => {
    const text = '你好，我是开心，很高兴认识你。';
    assert.equal(engine.voiceFor(text), 'cmn');
    const pcm = await engine.synthesize(text, { signal: never() });
    assert.equal(pcm.sampleRate, 22_050);
    // Fourteen syllables: between about one and ten seconds of speech.
    assert.ok(seconds(pcm) > 1 && seconds(pcm) < 10, `duration ${seconds(pcm)} s`);
    assert.ok(rms(pcm.samples) > 500, `rms ${rms(pcm.samples)}`);
    assert.notEqual(pcm.samples.readInt16LE(0), 0, 'leading silence is trimmed');
  });

  void test('English text gives voiced English PCM at 22 050 Hz', async () => {
    const text = 'Hello, nice to meet you.';
    assert.equal(engine.voiceFor(text), 'en-us');
    const pcm = await engine.synthesize(text, { signal: never() });
    assert.equal(pcm.sampleRate, 22_050);
    assert.ok(seconds(pcm) > 0.5 && seconds(pcm) < 6, `duration ${seconds(pcm)} s`);
    assert.ok(rms(pcm.samples) > 500, `rms ${rms(pcm.samples)}`);
  });

  void test('longer text gives longer audio', async () => {
    const short = await engine.synthesize('你好。', { signal: never() });
    const long = await engine.synthesize('你好，今天天气很好，我们一起去公园散步吧。', { signal: never() });
    assert.ok(seconds(long) > seconds(short) * 2, `${seconds(long)} s vs ${seconds(short)} s`);
  });

  void test('voice and speed are part of the voice key', () => {
    const slow = new EspeakEngine({ speedWpm: 120 });
    assert.equal(engine.voiceKey('你好'), 'cmn|175');
    assert.equal(engine.voiceKey('hello'), 'en-us|175');
    assert.equal(slow.voiceKey('你好'), 'cmn|120');
  });

  void test('the text goes in on stdin, never as options', async () => {
    // On the command line this would print the version instead of speaking.
    const pcm = await engine.synthesize('--version', { signal: never() });
    assert.ok(rms(pcm.samples) > 500);
  });

  void test('punctuation only is an empty, non-retryable result', async () => {
    await assert.rejects(
      engine.synthesize('……', { signal: never() }),
      (error: unknown) => error instanceof TtsError && error.code === 'empty_output' && !error.retryable,
    );
  });

  void test('aborting kills the process and rejects as aborted', async () => {
    rmSync(pidFile, { force: true });
    const controller = new AbortController();
    const pending = new EspeakEngine({ bin: slowBin }).synthesize('你好', { signal: controller.signal });
    const pid = await waitFor('the engine to start', () => {
      try {
        return Number(readFileSync(pidFile, 'utf8').trim()) || undefined;
      } catch {
        return undefined;
      }
    });
    assert.ok(alive(pid));
    controller.abort();
    await assert.rejects(pending, (error: unknown) => error instanceof TtsError && error.code === 'aborted');
    await waitFor('the engine process to be gone', () => !alive(pid), 5_000);
  });

  void test('a time-out kills the process and is retryable', async () => {
    rmSync(pidFile, { force: true });
    const pending = new EspeakEngine({ bin: slowBin }).synthesize('你好', { signal: AbortSignal.timeout(300) });
    await assert.rejects(
      pending,
      (error: unknown) => error instanceof TtsError && error.code === 'timeout' && error.retryable,
    );
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    await waitFor('the engine process to be gone', () => !alive(pid), 5_000);
  });

  void test('an already aborted signal does not start the engine', async () => {
    rmSync(pidFile, { force: true });
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      new EspeakEngine({ bin: slowBin }).synthesize('你好', { signal: controller.signal }),
      (error: unknown) => error instanceof TtsError && error.code === 'aborted',
    );
    await sleep(200);
    assert.throws(() => readFileSync(pidFile), /ENOENT/);
  });

  void test('a failing program is a retryable engine failure naming its exit', async () => {
    await assert.rejects(
      new EspeakEngine({ bin: '/bin/false' }).synthesize('你好', { signal: never() }),
      (error: unknown) =>
        error instanceof TtsError && error.code === 'engine_failed' && error.retryable && /code 1/.test(error.message),
    );
  });

  void test('an unknown voice fails with espeak-ng’s own reason', async () => {
    // Not "no-such-voice": espeak-ng reads that as Norwegian.
    await assert.rejects(
      new EspeakEngine({ voiceZh: 'zzzz' }).synthesize('你好', { signal: never() }),
      (error: unknown) => error instanceof TtsError && error.code === 'engine_failed' && /voice/.test(error.message),
    );
  });

  void test('a missing program is unavailable and not retried', async () => {
    await assert.rejects(
      new EspeakEngine({ bin: '/nonexistent/espeak-ng' }).synthesize('你好', { signal: never() }),
      (error: unknown) => error instanceof TtsError && error.code === 'unavailable' && !error.retryable,
    );
  });

  void test('output that is not WAV is a bad-output error', async () => {
    // `cat` echoes the text back: bytes, but no RIFF header.
    writeFileSync(join(dir, 'cat-ignoring-args'), '#!/bin/sh\nexec cat\n');
    chmodSync(join(dir, 'cat-ignoring-args'), 0o755);
    await assert.rejects(
      new EspeakEngine({ bin: join(dir, 'cat-ignoring-args') }).synthesize('你好', { signal: never() }),
      (error: unknown) => error instanceof TtsError && error.code === 'bad_output' && !error.retryable,
    );
  });
});
