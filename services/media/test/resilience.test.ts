import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startLiveKit, waitFor } from '@dh/testing';
import { MediaHarness } from './media-harness.js';

describe('media: leaving, restarts and lost connections', () => {
  const h = new MediaHarness();

  before(() => h.start());
  after(() => h.stop());

  test('leaves a room once its last guest has gone', async () => {
    const room = 'p-leave-test';
    await h.requestAvatar(room);
    await waitFor('avatar in room', () => h.avatarIn(room));
    const guest = await h.guest(room, 'g-leaver', '小红');
    await guest.waitForAvatar();
    await guest.disconnect();
    await waitFor('avatar gone', async () => !(await h.avatarIn(room)), 20_000);
  });

  test('after a SIGKILL and restart it is back in rooms with guests and plays what was pending', async () => {
    const room = 'p-restart-test';
    await h.requestAvatar(room);
    await waitFor('avatar in room', () => h.avatarIn(room));
    const guest = await h.guest(room, 'g-stayer', '小刚');
    await guest.say('你好');
    const chat = await waitFor('the chat utterance', async () =>
      (await h.utterances()).find((u) => u.room === room && u.input === 'text'),
    );
    await h.media.kill('SIGKILL');
    // Speech arrives while media is down: it must be played once media is back.
    await h.answer(chat, ['我回来了。']);
    await h.media.start();
    await waitFor('avatar back in room', () => h.avatarIn(room), 20_000);
    const said = await waitFor(
      'the pending answer',
      () => guest.transcriptions.find((t) => t.text === '我回来了。'),
      30_000,
    );
    assert.equal(said.from, 'dh-avatar');
    await waitFor('speech acknowledged', async () => (await h.speechPending()) === 0);
    await guest.disconnect();
  });

  test('after LiveKit restarts it joins the room again', async () => {
    const room = 'p-livekit-restart';
    await h.requestAvatar(room);
    await waitFor('avatar in room', () => h.avatarIn(room));
    const guest = await h.guest(room, 'g-patient', '小丽');
    await guest.waitForAvatar();
    const { port, tcpPort, udpPort, apiKey, apiSecret } = h.livekit;
    await h.livekit.stop();
    h.livekit = await startLiveKit({ port, tcpPort, udpPort, apiKey, apiSecret });
    await guest.disconnect();
    // The guest's page reconnects; the avatar must be back in the room with them.
    const again = await h.guest(room, 'g-patient-2', '小丽');
    await waitFor('avatar back after LiveKit restart', () => again.avatar, 45_000);
    await again.disconnect();
  });
});
