import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RoomServiceClient } from 'livekit-server-sdk';
import { FakeStt, Stack, concatAudio, durationMs, espeakSpeech, sleep, waitFor } from '@dh/testing';

// Silence must last 5 s (the most VAD_END_SILENCE_MS allows) before an utterance ends by itself, so a transcript
// that comes well before that was handed on by the mute.
const END_SILENCE_MS = 5_000;

const stt = new FakeStt();
let stack: Stack;

before(async () => {
  await stt.start();
  stack = new Stack({
    serviceEnv: {
      media: {
        STT_BASE_URL: stt.url,
        STT_MODEL: 'test',
        VAD_END_SILENCE_MS: String(END_SILENCE_MS),
        VAD_MAX_UTTERANCE_MS: '60000',
      },
    },
  });
  await stack.start();
});

after(async () => {
  await stack.stop();
  await stt.stop();
});

test('a guest muted mid-sentence: what they said so far is transcribed at once, not after the silence timeout', async () => {
  const guest = await stack.guest('小红');
  await guest.waitForTranscriptions(1); // the greeting
  await waitFor('the avatar to listen', () => guest.avatarState === 'listening', 20_000);
  const mic = await guest.publishMicrophone();
  stt.setDefault(() => '我想说的是');

  // Speech that would go on for a long while; the mute comes in the middle of it.
  const clause = espeakSpeech('我想说的是，今天我们一起去公园散步，看看花，');
  let speech = clause;
  while (durationMs(speech) < 12_000) speech = concatAudio(speech, clause);
  const playing = mic.play(speech);
  await sleep(3_000);
  assert.equal(stt.requests.length, 0, 'no utterance has ended yet');

  const rooms = new RoomServiceClient(stack.livekit.url, stack.livekit.apiKey, stack.livekit.apiSecret);
  const mutedAt = Date.now();
  await rooms.mutePublishedTrack(guest.join.room, guest.join.identity, mic.trackSid, true);

  const mine = await waitFor(
    'the guest transcript after the mute',
    () => guest.transcriptions.find((t) => t.from === guest.join.identity && t.final),
    END_SILENCE_MS - 1_000,
  );
  assert.equal(mine.text, '我想说的是');
  assert.ok(mine.at - mutedAt < END_SILENCE_MS - 1_000, `transcript ${mine.at - mutedAt} ms after the mute`);
  assert.equal(stt.requests.length, 1, 'one utterance, cut at the mute');
  assert.ok(stt.requests[0]!.wav!.durationMs > 1_500, `uploaded ${Math.round(stt.requests[0]!.wav!.durationMs)} ms`);
  await playing;
});
