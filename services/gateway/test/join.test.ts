import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenVerifier } from 'livekit-server-sdk';
import { AvatarRequestEvent, Keys, ROOM_NAME_PATTERN, Streams, parseJson } from '@dh/contracts';
import { type RunningLiveKit, startLiveKit, waitFor } from '@dh/testing';
import {
  type RunningGateway,
  assertErrorShape,
  join,
  metricValue,
  startGateway,
  startSlowTcpProxy,
} from './gateway-harness.js';

interface JoinBody {
  url: string;
  token: string;
  room: string;
  identity: string;
}

const PUBLIC_URL = 'wss://lk.example.test';

describe('gateway: POST /api/join', () => {
  let livekit: RunningLiveKit;
  let gateway: RunningGateway;
  let verifier: TokenVerifier;

  before(async () => {
    livekit = await startLiveKit();
    verifier = new TokenVerifier(livekit.apiKey, livekit.apiSecret);
    // Every token issued holds a place for JOIN_RESERVATION_S: this suite issues more than the default 10.
    gateway = await startGateway(livekit, {
      LIVEKIT_PUBLIC_URL: PUBLIC_URL,
      JOIN_RATE_LIMIT: '1000',
      MAX_GUESTS: '1000',
    });
  });
  after(async () => {
    await gateway?.stop();
    await livekit?.stop();
  });

  const avatarRequests = async () =>
    (await gateway.ns.redis.xrange(gateway.ns.key(Streams.avatarRequests), '-', '+')).map(([, fields]) =>
      parseJson(AvatarRequestEvent, fields[fields.indexOf('event') + 1]!),
    );

  test('200 with url, token, room and identity; the token is scoped, named and short-lived', async () => {
    const reply = await join(gateway, { name: '  小明  ' });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.headers.get('cache-control'), 'no-store');
    const body = reply.body as JoinBody;
    assert.deepEqual(Object.keys(body).sort(), ['identity', 'room', 'token', 'url']);
    assert.equal(body.url, PUBLIC_URL);
    assert.match(body.room, /^p-[a-z0-9]{10}$/);
    assert.match(body.room, ROOM_NAME_PATTERN);
    assert.match(body.identity, /^g-[a-z0-9]+$/);

    const claims = await verifier.verify(body.token);
    assert.equal(claims.sub, body.identity);
    assert.equal(claims.name, '小明');
    assert.equal(claims.kind, undefined, 'guests are standard participants, never agents');
    assert.deepEqual(claims.video, {
      room: body.room,
      roomJoin: true,
      canPublish: true,
      canPublishData: true,
      canSubscribe: true,
      canPublishSources: ['microphone', 'camera'],
    });
    const lifetimeS = claims.exp! - Math.floor(Date.now() / 1000);
    assert.ok(lifetimeS > 540 && lifetimeS <= 600, `token lives ${lifetimeS} s, expected about TOKEN_TTL_S=600`);
    await assert.rejects(new TokenVerifier(livekit.apiKey, 'another-secret-0123456789-0123456789').verify(body.token));
  });

  test('every join without room gets a private room of its own and a new identity', async () => {
    const replies = await Promise.all([1, 2, 3].map((i) => join(gateway, { name: `Guest ${i}` })));
    const bodies = replies.map((r) => r.body as JoinBody);
    assert.deepEqual(
      replies.map((r) => r.status),
      [200, 200, 200],
    );
    assert.equal(new Set(bodies.map((b) => b.room)).size, 3);
    assert.equal(new Set(bodies.map((b) => b.identity)).size, 3);
  });

  test('with room, guests share s-<room>', async () => {
    const a = (await join(gateway, { name: 'Mum', room: 'family-1' })).body as JoinBody;
    const b = (await join(gateway, { name: 'Dad', room: 'family-1' })).body as JoinBody;
    assert.equal(a.room, 's-family-1');
    assert.equal(b.room, 's-family-1');
    assert.notEqual(a.identity, b.identity);
    assert.equal((await verifier.verify(b.token)).video?.room, 's-family-1');
  });

  test('a new room without the avatar gets one avatar request on the stream, not one per guest', async () => {
    const first = (await join(gateway, { name: 'A', room: 'party' })).body as JoinBody;
    await join(gateway, { name: 'B', room: 'party' });
    await join(gateway, { name: 'C', room: 'party' });
    const privateRoom = ((await join(gateway, { name: 'D' })).body as JoinBody).room;

    const requests = await avatarRequests();
    const party = requests.filter((r) => r.room === first.room);
    assert.equal(party.length, 1);
    assert.equal(party[0]!.type, 'avatar.request');
    assert.ok(Math.abs(party[0]!.at - Date.now()) < 60_000);
    assert.equal(requests.filter((r) => r.room === privateRoom).length, 1);
  });

  test('joins are counted by result', async () => {
    const before = await metricValue(gateway, 'dh_joins_total{result="ok",service="gateway"}');
    const reply = await join(gateway, { name: 'E' });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(await metricValue(gateway, 'dh_joins_total{result="ok",service="gateway"}'), before + 1);
  });
});

describe('gateway: passcode', () => {
  let livekit: RunningLiveKit;
  let gateway: RunningGateway;

  before(async () => {
    livekit = await startLiveKit();
    gateway = await startGateway(livekit, { GUEST_PASSCODE: '芝麻开门' });
  });
  after(async () => {
    await gateway?.stop();
    await livekit?.stop();
  });

  test('missing or wrong passcode -> 401; the right one -> 200', async () => {
    const missing = await join(gateway, { name: 'Tom' });
    assertErrorShape(missing, 401);
    assert.match(String((missing.body as { message: string }).message), /passcode is required/);
    const wrong = await join(gateway, { name: 'Tom', passcode: '芝麻开' });
    assertErrorShape(wrong, 401);
    assert.equal((wrong.body as { message: string }).message, '口令错误 / wrong passcode');
    const right = await join(gateway, { name: 'Tom', passcode: '芝麻开门' });
    assert.equal(right.status, 200, right.text);
    assert.equal(await metricValue(gateway, 'dh_joins_total{result="passcode",service="gateway"}'), 2);
  });
});

describe('gateway: rate limit per address', () => {
  let livekit: RunningLiveKit;
  let gateway: RunningGateway;

  before(async () => {
    livekit = await startLiveKit();
    gateway = await startGateway(livekit, { JOIN_RATE_LIMIT: '3', JOIN_RATE_WINDOW_S: '60' });
  });
  after(async () => {
    await gateway?.stop();
    await livekit?.stop();
  });

  test('the join after JOIN_RATE_LIMIT from one address is 429; another address is unaffected', async () => {
    // Behind nginx (TRUST_PROXY=loopback) the client address comes from X-Forwarded-For.
    const from = { forwardedFor: '203.0.113.7' };
    for (let i = 0; i < 3; i += 1) assert.equal((await join(gateway, { name: `T${i}` }, from)).status, 200);
    const limited = await join(gateway, { name: 'T3' }, from);
    assertErrorShape(limited, 429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    // The limit comes first: even a request that would otherwise be fine is refused.
    assertErrorShape(await join(gateway, { name: 'T4' }, from), 429);

    assert.equal((await join(gateway, { name: 'U' }, { forwardedFor: '203.0.113.8' })).status, 200);
    const ttl = await gateway.ns.redis.ttl(gateway.ns.key(Keys.joinRate('203.0.113.7')));
    assert.ok(ttl > 0 && ttl <= 60, `rate key TTL ${ttl}`);
    assert.equal(await metricValue(gateway, 'dh_joins_total{result="rate_limited",service="gateway"}'), 2);
  });
});

describe('gateway: MAX_GUESTS and reservations', () => {
  let livekit: RunningLiveKit;
  let gateway: RunningGateway;

  before(async () => {
    livekit = await startLiveKit();
    gateway = await startGateway(livekit, { MAX_GUESTS: '1', JOIN_RESERVATION_S: '1', JOIN_RATE_LIMIT: '1000' });
  });
  after(async () => {
    await gateway?.stop();
    await livekit?.stop();
  });

  test('the first join reserves the only place: the second is 503 full until the reservation expires', async () => {
    assert.equal((await join(gateway, { name: 'First' })).status, 200);
    const full = await join(gateway, { name: 'Second' });
    assertErrorShape(full, 503);
    assert.match(String((full.body as { message: string }).message), /taken/);
    // JOIN_RESERVATION_S=1: the place frees itself although nobody connected with the first token.
    const later = await waitFor(
      'the reservation to expire',
      async () => {
        const reply = await join(gateway, { name: 'Later' });
        return reply.status === 200 ? reply : undefined;
      },
      10_000,
      250,
    );
    assert.equal(later.status, 200);
    assert.ok((await metricValue(gateway, 'dh_joins_total{result="full",service="gateway"}')) >= 1);
  });

  test('simultaneous joins cannot both take the last place', async () => {
    // Redis 50 ms away each way: without serialized admission, all eight joins would read the reservations
    // before any of them had written its own, and all would get in.
    const redisUrl = new URL(gateway.ns.url);
    const slow = await startSlowTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) }, 50);
    const rushed = await startGateway(livekit, {
      REDIS_URL: `redis://127.0.0.1:${slow.port}`,
      MAX_GUESTS: '1',
      JOIN_RATE_LIMIT: '1000',
    });
    try {
      // Warm connections and code paths first so that the eight joins arrive together.
      await Promise.all(Array.from({ length: 8 }, () => join(rushed, { name: '' })));
      const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => join(rushed, { name: `Rush ${i}` })));
      const statuses = replies.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 503, 503, 503, 503, 503, 503, 503]);
    } finally {
      await rushed.stop();
      await slow.close();
    }
  });
});
