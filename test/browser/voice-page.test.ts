import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FakeStt, concatAudio, espeakSpeech, pcmToWav, resample, silence } from '@dh/testing';
import { PageHarness } from './page-harness.js';

describe('the guest page with voice input on: speak through the microphone, or be told why not', () => {
  const stt = new FakeStt();
  const dir = mkdtempSync(join(tmpdir(), 'dh-voice-page-'));
  let h: PageHarness;

  before(async () => {
    await stt.start();
    stt.setDefault(() => '开心你好');
    h = new PageHarness({ serviceEnv: { media: { STT_BASE_URL: stt.url, STT_MODEL: 'FunAudioLLM/SenseVoiceSmall' } } });
    await h.start();
  });
  after(async () => {
    await h.stop();
    await stt.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the microphone on: what the guest says shows as theirs, and the avatar answers it', async () => {
    // Chromium loops the file: one sentence, then long enough a silence to end the utterance.
    const speech = resample(
      concatAudio(silence(500, 22_050), espeakSpeech('开心你好'), silence(6_000, 22_050)),
      48_000,
    );
    const file = join(dir, 'speech.wav');
    writeFileSync(
      file,
      pcmToWav(Buffer.from(speech.pcm.buffer, speech.pcm.byteOffset, speech.pcm.byteLength), speech.sampleRate),
    );
    const page = await h.open({ fakeAudioFile: file });
    await h.join(page, '小明');
    await page.locator('[data-testid="avatar"][data-state="listening"]').waitFor({ timeout: 30_000 });
    const mic = page.getByTestId('mic-toggle');
    await mic.click();
    await page.locator('[data-testid="mic-toggle"][aria-pressed="true"]').waitFor({ timeout: 10_000 });
    await page
      .locator('[data-testid="subtitle-line"][data-from="me"]')
      .filter({ hasText: '开心你好' })
      .first()
      .waitFor({ timeout: 30_000 });
    await page
      .locator('[data-testid="subtitle-line"][data-from="avatar"]')
      .filter({ hasText: '开心你好' })
      .first()
      .waitFor({ timeout: 30_000 });
    assert.ok(stt.requests.length >= 1, 'the speech reached speech-to-text');
    await mic.click();
    await page.locator('[data-testid="mic-toggle"][aria-pressed="false"]').waitFor({ timeout: 10_000 });
  });

  test('microphone refused: a clear notice, and typing still works', async () => {
    const page = await h.open({ denyMicrophone: true });
    await h.join(page, '小红');
    await page.locator('[data-testid="avatar"][data-state="listening"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('mic-toggle').click();
    const notice = page.getByTestId('notice').filter({ hasText: '麦克风' });
    await notice.first().waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('mic-toggle').getAttribute('aria-pressed'), 'false');
    await h.say(page, '打字也可以吗');
    await page
      .locator('[data-testid="subtitle-line"][data-from="avatar"]')
      .filter({ hasText: '打字也可以吗' })
      .first()
      .waitFor({ timeout: 30_000 });
  });
});
