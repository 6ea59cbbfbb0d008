import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Room, dispose } from '@livekit/rtc-node';
import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import { AVATAR_IDENTITY, AvatarRequestEvent, Streams, parseJson } from '@dh/contracts';
import { type RunningLiveKit, sleep, startLiveKit, waitFor } from '@dh/testing';
import { assertErrorShape, join, metricValue, startGateway } from './gateway-harness.js';

interface JoinBody {
  url: string;
  token: string;
  room: string;
  identity: string;
}

/** Guests really connected to LiveKit count against MAX_GUESTS, across all rooms. */
describe('gateway: connected guests count', () => {
  let livekit: RunningLiveKit;
  let rooms: RoomServiceClient;
  const connected: Room[] = [];

  before(async () => {
    livekit = await startLiveKit();
    rooms = new RoomServiceClient(livekit.url, livekit.apiKey, livekit.apiSecret);
  });
  after(async () => {
    await disconnectAll();
    await dispose();
    await livekit?.stop();
  });

  async function disconnectAll(): Promise<void> {
    for (const room of connected.splice(0)) await room.disconnect().catch(() => undefined);
  }

  async function participantCount(): Promise<number> {
    const all = await Promise.all((await rooms.listRooms()).map((room) => rooms.listParticipants(room.name)));
    return all.reduce((sum, list) => sum + list.length, 0);
  }

  /** Connects a guest with the token the gateway gave; the URL is LiveKit's own (no LIVEKIT_PUBLIC_URL set). */
  async function connect(body: JoinBody): Promise<Room> {
    const room = new Room();
    await room.connect(body.url, body.token, { autoSubscribe: false, dynacast: false });
    connected.push(room);
    await waitFor('the guest to appear in LiveKit', async () =>
      (await rooms.listParticipants(body.room)).some((p) => p.identity === body.identity),
    );
    return room;
  }

  test('a connected guest holds a place after their reservation is gone, and frees it on leaving', async () => {
    const gateway = await startGateway(livekit, { MAX_GUESTS: '1', JOIN_RESERVATION_S: '1', JOIN_RATE_LIMIT: '1000' });
    try {
      const first = await join(gateway, { name: 'Connected' });
      assert.equal(first.status, 200, first.text);
      const room = await connect(first.body as JoinBody);
      // Past JOIN_RESERVATION_S=1: only LiveKit's participant list can still account for the place.
      await sleep(1_500);
      const full = await join(gateway, { name: 'Second' });
      assertErrorShape(full, 503);
      assert.equal(full.headers.get('x-unavailable-reason'), 'full', 'the page can say all places are taken');
      await waitFor('dh_guests to show the connected guest', async () => {
        return (await metricValue(gateway, 'dh_guests{service="gateway"}')) === 1 || undefined;
      });

      await room.disconnect();
      const reply = await waitFor(
        'the place to free up after the guest left',
        async () => {
          const r = await join(gateway, { name: 'Third' });
          return r.status === 200 ? r : undefined;
        },
        15_000,
        250,
      );
      assert.equal(reply.status, 200);
    } finally {
      await disconnectAll();
      await gateway.stop();
    }
  });

  test('a reserved guest who has connected is not counted twice', async () => {
    const gateway = await startGateway(livekit, { MAX_GUESTS: '2', JOIN_RESERVATION_S: '60', JOIN_RATE_LIMIT: '1000' });
    try {
      await waitFor('nobody left in LiveKit', async () => (await participantCount()) === 0 || undefined, 30_000, 250);
      const a = await join(gateway, { name: 'A', room: 'together' });
      assert.equal(a.status, 200, a.text);
      await connect(a.body as JoinBody);
      // A is connected and still within their reservation: one guest, so one place is left.
      const b = await join(gateway, { name: 'B', room: 'together' });
      assert.equal(b.status, 200, b.text);
      assertErrorShape(await join(gateway, { name: 'C' }), 503);
    } finally {
      await disconnectAll();
      await gateway.stop();
    }
  });

  test('the avatar and other agents are no guests, and a room with the avatar gets no avatar request', async () => {
    const gateway = await startGateway(livekit, { MAX_GUESTS: '1', JOIN_RESERVATION_S: '60', JOIN_RATE_LIMIT: '1000' });
    try {
      await waitFor('nobody left in LiveKit', async () => (await participantCount()) === 0 || undefined, 30_000, 250);
      // The avatar, and any other agent (kind AGENT), never take a guest's place.
      for (const identity of [AVATAR_IDENTITY, 'another-agent']) {
        const token = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity, ttl: 600 });
        token.kind = 'agent';
        token.addGrant({ room: 's-with-avatar', roomJoin: true, canPublish: true, canSubscribe: true });
        await connect({ url: livekit.url, token: await token.toJwt(), room: 's-with-avatar', identity });
      }

      const reply = await join(gateway, { name: 'Guest', room: 'with-avatar' });
      assert.equal(reply.status, 200, reply.text);
      assert.equal((reply.body as JoinBody).room, 's-with-avatar');
      const entries = await gateway.ns.redis.xrange(gateway.ns.key(Streams.avatarRequests), '-', '+');
      const rooms = entries.map(
        ([, fields]) => parseJson(AvatarRequestEvent, fields[fields.indexOf('event') + 1]!).room,
      );
      assert.ok(!rooms.includes('s-with-avatar'), `unexpected avatar request: ${rooms.join(', ')}`);
      // The only place is now reserved by the guest: the avatar did not take it.
      assertErrorShape(await join(gateway, { name: 'Another' }), 503);
    } finally {
      await disconnectAll();
      await gateway.stop();
    }
  });
});
