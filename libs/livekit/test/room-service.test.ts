import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ParticipantKind, Room, dispose } from '@livekit/rtc-node';
import { TokenVerifier } from 'livekit-server-sdk';
import { type RunningLiveKit, startLiveKit } from '@dh/testing';
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
