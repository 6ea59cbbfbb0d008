import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ParticipantKind, Room, dispose } from '@livekit/rtc-node';
import { TokenVerifier } from 'livekit-server-sdk';
import { type RunningLiveKit, SyntheticCamera, startLiveKit, waitFor } from '@dh/testing';
import { LiveKitApiError, RoomService, isGuestParticipant, signAccessToken } from '../src/index.js';

describe('LiveKit access tokens and RoomService without the SDK, against a real server', () => {
  let livekit: RunningLiveKit;
  let rooms: RoomService;
  const connected: Room[] = [];
  const room = 'p-api-test';

  before(async () => {
    livekit = await startLiveKit();
    rooms = new RoomService(livekit.url, livekit);
  });
  after(async () => {
    for (const r of connected) await r.disconnect();
    await livekit.stop();
    await dispose();
  });

  async function join(identity: string, name: string, kind?: 'agent'): Promise<Room> {
    const token = await signAccessToken(livekit, {
      identity,
      name,
      ttlS: 600,
      ...(kind ? { kind } : {}),
      attributes: { mood: 'happy' },
      video: { room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true },
    });
    const r = new Room();
    await r.connect(livekit.url, token, { autoSubscribe: false, dynacast: false });
    connected.push(r);
    return r;
  }

  test('a token LiveKit accepts, with identity, name, kind and attributes', async () => {
    await join('dh-avatar', '开心', 'agent');
    const guest = await join('g-1', '小明');
    const avatar = guest.remoteParticipants.get('dh-avatar');
    assert.ok(avatar, 'the guest sees the avatar');
    assert.equal(avatar.kind, ParticipantKind.AGENT);
    assert.equal(avatar.name, '开心');
    assert.equal(avatar.attributes.mood, 'happy');
  });

  test('the same claims the official SDK reads back', async () => {
    const token = await signAccessToken(livekit, {
      identity: 'g-2',
      name: '小红',
      ttlS: 120,
      video: { room, roomJoin: true, canPublishSources: ['microphone', 'camera'] },
    });
    const claims = await new TokenVerifier(livekit.apiKey, livekit.apiSecret).verify(token);
    assert.equal(claims.sub, 'g-2');
    assert.equal(claims.name, '小红');
    assert.equal(claims.video?.room, room);
    assert.deepEqual(claims.video?.canPublishSources, ['microphone', 'camera']);
    assert.ok(Math.abs(claims.exp! - Date.now() / 1000 - 120) < 5);
  });

  test('listRooms, listParticipants and getParticipant', async () => {
    const all = await rooms.listRooms();
    assert.ok(all.some((r) => r.name === room));
    const participants = await rooms.listParticipants(room);
    const byIdentity = new Map(participants.map((p) => [p.identity, p]));
    assert.equal(byIdentity.get('dh-avatar')?.kind, 'AGENT');
    assert.equal(byIdentity.get('g-1')?.kind, 'STANDARD');
    assert.equal(byIdentity.get('g-1')?.name, '小明');
    assert.deepEqual(
      participants.filter(isGuestParticipant).map((p) => p.identity),
      ['g-1'],
    );
    assert.equal((await rooms.getParticipant(room, 'g-1'))?.name, '小明');
    assert.equal(await rooms.getParticipant(room, 'nobody'), null);
    assert.deepEqual(await rooms.listParticipants('p-no-such-room'), []);
  });

  test('a published camera is listed; the server mutes and unmutes it, and takes away the right to publish it', async () => {
    const guest = await join('g-cam', '小李');
    const camera = await SyntheticCamera.publish(guest, { maxBitrate: 200_000 });
    const track = async () =>
      (await rooms.getParticipant(room, 'g-cam'))?.tracks.find((t) => t.sid === camera.trackSid);
    const listed = await waitFor('the camera track listed', track, 10_000);
    assert.equal(listed.type, 'VIDEO');
    assert.equal(listed.source, 'CAMERA');
    assert.equal(listed.muted, false);
    const audio = (await rooms.getParticipant(room, 'g-1'))?.tracks ?? [];
    assert.ok(audio.every((t) => t.type !== 'VIDEO'));

    await rooms.mutePublishedTrack(room, 'g-cam', camera.trackSid, true);
    await waitFor('muted', async () => (await track())?.muted === true, 10_000);
    await rooms.mutePublishedTrack(room, 'g-cam', camera.trackSid, false);
    await waitFor('unmuted (enable_remote_unmute)', async () => (await track())?.muted === false, 10_000);

    const permission = { canSubscribe: true, canPublish: true, canPublishData: true };
    await rooms.updatePermission(room, 'g-cam', { ...permission, canPublishSources: ['microphone'] });
    await waitFor('the camera unpublished', async () => (await track()) === undefined, 10_000);
    await assert.rejects(SyntheticCamera.publish(guest, { maxBitrate: 200_000 }), 'a new camera is refused');
    await rooms.updatePermission(room, 'g-cam', { ...permission, canPublishSources: ['microphone', 'camera'] });
    const again = await waitFor(
      'a camera allowed again',
      () => SyntheticCamera.publish(guest, { maxBitrate: 200_000 }).catch(() => undefined),
      10_000,
    );
    await again.stop();
    await camera.stop();
  });

  test('a wrong secret is refused, and a stopped server is a retryable error', async () => {
    const wrong = new RoomService(livekit.url, {
      apiKey: livekit.apiKey,
      apiSecret: 'not-the-secret-0123456789-0123456789',
    });
    await assert.rejects(wrong.listRooms(), (error: LiveKitApiError) => error.status === 401 && !error.retryable);
    const nowhere = new RoomService('ws://127.0.0.1:1', livekit, { timeoutMs: 500 });
    await assert.rejects(nowhere.listRooms(), (error: LiveKitApiError) => error.status === 0 && error.retryable);
  });
});
