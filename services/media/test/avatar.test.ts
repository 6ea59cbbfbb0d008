import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ParticipantKind } from '@livekit/rtc-node';
import { AVATAR_IDENTITY } from '@dh/contracts';
import { type GuestClient, sleep, waitFor } from '@dh/testing';
import { MediaHarness } from './media-harness.js';

describe('media: the avatar in a room', () => {
  const h = new MediaHarness();
  let guest: GuestClient;
  const room = 'p-avatar-test';

  before(async () => {
    await h.start();
    await h.requestAvatar(room);
    await waitFor('avatar in room', () => h.avatarIn(room));
    guest = await h.guest(room, 'g-one', '小明');
  });

  after(async () => {
    await guest?.disconnect();
    await h.stop();
  });

  test('joins as dh-avatar, kind AGENT, and goes to listening', async () => {
    const avatar = await guest.waitForAvatar();
    assert.equal(avatar.identity, AVATAR_IDENTITY);
    assert.equal(avatar.kind, ParticipantKind.AGENT);
    await waitFor('listening', () => ['listening', 'thinking'].includes(guest.avatarState ?? ''));
    // The participant can be announced a moment before its track.
    const tracks = await waitFor('its voice track', () => {
      const published = [...avatar.trackPublications.values()];
      return published.length > 0 ? published : undefined;
    });
    await sleep(500); // a second track would show up in this time
    assert.equal(avatar.trackPublications.size, 1, 'one track, the voice');
    assert.equal(tracks[0]!.mimeType, 'audio/opus');
  });

  test('greets the guest once and forwards lk.chat as an utterance', async () => {
    const [greeting] = await h.waitForUtterances(1);
    assert.equal(greeting!.input, 'greeting');
    assert.equal(greeting!.identity, 'g-one');
    assert.equal(greeting!.name, '小明');
    await guest.say('  你好，\n开心！ ');
    const [, chat] = await h.waitForUtterances(2);
    assert.equal(chat!.input, 'text');
    assert.equal(chat!.text, '你好， 开心！');
    assert.equal(chat!.room, room);
    assert.equal(chat!.shared, 'no');
    assert.equal(chat!.seq, greeting!.seq + 1);
  });

  test('plays answers in turn order with lk.transcription in step, then listens again', async () => {
    const [greeting, chat] = await h.waitForUtterances(2);
    const start = Date.now();
    // The second answer is ready first, and its sentences arrive out of order: the avatar must still say
    // the greeting first, then the answer, sentence by sentence.
    await h.answer(chat!, ['第一句。', '第二句。'], { order: [1, 0] });
    await sleep(300);
    assert.equal(guest.transcriptions.length, 0, 'nothing may be said before the greeting');
    await h.answer(greeting!, ['你好小明！']);
    const said = await guest.waitForTranscriptions(3);
    assert.deepEqual(
      said.map((t) => t.text),
      ['你好小明！', '第一句。', '第二句。'],
    );
    for (const t of said) {
      assert.equal(t.from, AVATAR_IDENTITY);
      assert.equal(t.final, true);
      assert.ok(t.trackId.startsWith('TR_'), 'transcribed track id is the voice track');
    }
    assert.equal(new Set(said.map((t) => t.segmentId)).size, 3, 'one segment per sentence');
    assert.ok(guest.firstVoicedAfter(start) !== undefined, 'voiced audio arrived');
    await waitFor('back to listening', () => guest.avatarState === 'listening', 10_000);
    const states = guest.agentStates.filter((s) => s.at >= start).map((s) => s.state);
    assert.ok(states.includes('speaking'), `states seen: ${states.join(',')}`);
    await waitFor('speech entries acknowledged', async () => (await h.speechPending()) === 0);
  });

  test('a duplicate sentence delivery is not spoken twice', async () => {
    await guest.say('再来一次');
    const all = await h.waitForUtterances(3);
    const before = guest.transcriptions.length;
    await h.answer(all[2]!, ['只说一遍。']);
    await h.answer(all[2]!, ['只说一遍。']);
    await guest.waitForTranscriptions(before + 1);
    await sleep(800);
    assert.equal(guest.transcriptions.length, before + 1);
    await waitFor('acknowledged', async () => (await h.speechPending()) === 0);
  });

  test('empty, oversized and junk lk.chat messages do not crash it', async () => {
    const count = (await h.utterances()).length;
    await guest.say('   ');
    await guest.say('\u0000\u0007\u001b');
    await guest.say('x'.repeat(20_000)); // over CHAT_MAX_BYTES: ignored
    await guest.say('长'.repeat(3_000)); // 9 kB: forwarded, cut to the event's cap; the dialogue refuses it
    const all = await waitFor('the long message', async () => {
      const u = await h.utterances();
      return u.length > count ? u : undefined;
    });
    await sleep(500);
    const added = all.slice(count);
    assert.equal(added.length, 1);
    assert.equal(added[0]!.text.length, 3_000);
    assert.ok(h.media.running, 'media still running');
    const metrics = await h.metrics();
    assert.match(metrics, /dh_chat_messages_total\{[^}]*result="empty"[^}]*\} 2/);
    assert.match(metrics, /dh_chat_messages_total\{[^}]*result="ignored"[^}]*\} 1/);
  });
});
