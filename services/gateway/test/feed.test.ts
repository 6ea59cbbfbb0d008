import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Keys, Streams, UtteranceEvent, parseJson } from '@dh/contracts';
import { signAccessToken } from '@dh/livekit';
import { sleep, waitFor } from '@dh/testing';
import { FeedClient } from './feed-client.js';
import { NO_LIVEKIT, type RunningGateway, startGateway } from './gateway-harness.js';

const NAME = '秘密的名字';
const SAID = '这是一句不该出现在日志里的话';

function token(room: string, identity: string, options: { ttlS?: number; apiSecret?: string; name?: string } = {}) {
  return signAccessToken(
    { apiKey: NO_LIVEKIT.apiKey, apiSecret: options.apiSecret ?? NO_LIVEKIT.apiSecret },
    {
      identity,
      name: options.name ?? NAME,
      ttlS: options.ttlS ?? 600,
      video: { room, roomJoin: true, canPublish: true, canSubscribe: true },
    },
  );
}

describe('gateway: /ws feed and text fallback', () => {
  let gateway: RunningGateway;
  const clients: FeedClient[] = [];
  const tokens: string[] = [];

  const hello = async (room: string, identity: string) => {
    const t = await token(room, identity);
    tokens.push(t);
    const client = await FeedClient.hello(gateway.url, t);
    clients.push(client);
    return client;
  };
  const open = async () => {
    const client = await FeedClient.open(gateway.url);
    clients.push(client);
    return client;
  };
  const xadd = (stream: string, event: object) =>
    gateway.ns.redis.xadd(gateway.ns.key(stream), '*', 'event', JSON.stringify(event));
  const utterances = async () =>
    (await gateway.ns.redis.xrange(gateway.ns.key(Streams.utterances), '-', '+')).map(([, fields]) =>
      parseJson(UtteranceEvent, fields[fields.indexOf('event') + 1]!),
    );
  const heartbeat = (service: string, flags: Record<string, unknown>) =>
    gateway.ns.redis.set(
      gateway.ns.key(Keys.heartbeat(service)),
      JSON.stringify({ pid: 1, startedAt: Date.now(), at: Date.now(), flags }),
      'PX',
      120_000,
    );

  before(async () => {
    gateway = await startGateway(NO_LIVEKIT, { LOG_LEVEL: 'debug' });
  });
  after(async () => {
    for (const client of clients) client.socket.terminate();
    await gateway?.stop();
  });

  test('a frame before hello: unauthorized, then the socket is closed with 4401', async () => {
    const client = await open();
    client.send({ type: 'say', text: 'hi' });
    const error = await client.next('error');
    assert.equal(error.code, 'unauthorized');
    assert.match(String(error.message), /hello/);
    assert.equal((await client.waitClosed()).code, 4401);
  });

  for (const [what, make] of [
    ['garbage', async () => 'not-a-token'],
    [
      'a token signed with another secret',
      () => token('p-room-x', 'g-x', { apiSecret: 'another-secret-0123456789-0123456789' }),
    ],
    ['an expired token', () => token('p-room-x', 'g-x', { ttlS: -60 })],
    ['no token at all', async () => undefined],
  ] as const) {
    test(`hello with ${what}: unauthorized and closed with 4401`, async () => {
      const client = await open();
      client.send({ type: 'hello', token: await make() });
      const error = await client.next('error');
      assert.equal(error.code, 'unauthorized');
      assert.match(String(error.message), /[\u4e00-\u9fff].* \/ [A-Za-z]/);
      assert.equal((await client.waitClosed()).code, 4401);
      assert.equal(client.of('status').length, 0);
    });
  }

  test('a valid hello: status, and the voice-off notice while voice input is off', async () => {
    const client = await hello('p-room-a', 'g-a1');
    assert.deepEqual(client.of('status')[0], { type: 'status', llm: 'online', voiceInput: false, healthy: false });
    const notice = await client.next('notice');
    assert.equal(notice.code, 'voice_off');
    assert.equal(typeof notice.zh, 'string');
    assert.equal(typeof notice.en, 'string');
    assert.equal(client.of('notice').length, 1, 'no offline notice while the dialogue does not say so');
  });

  test('a second hello on the same socket is a bad request, the first stays valid', async () => {
    const client = await hello('p-room-a', 'g-a2');
    client.send({ type: 'hello', token: tokens.at(-1) });
    assert.equal((await client.next('error')).code, 'bad_request');
    assert.equal(client.closed, undefined);
  });

  test('invalid JSON, a binary frame, an unknown type, a say without text: bad_request, socket kept', async () => {
    const client = await hello('p-room-a', 'g-a3');
    client.send('{nope');
    client.socket.send(Buffer.from('{"type":"say","text":"binary"}'));
    client.send({ type: 'dance' });
    client.send([1, 2]);
    client.send({ type: 'say', text: 42 });
    for (let i = 0; i < 5; i++) assert.equal((await client.next('error')).code, 'bad_request');
    await sleep(100);
    assert.equal(client.closed, undefined);
  });

  test('a frame over 8 kB: too_large, socket kept; over 64 kB: closed by the server (1009)', async () => {
    const client = await hello('p-room-a', 'g-a4');
    client.send({ type: 'say', text: '长'.repeat(3_000) });
    assert.equal((await client.next('error')).code, 'too_large');
    client.send({ type: 'say', text: 'x'.repeat(70_000) });
    assert.equal((await client.waitClosed()).code, 1009);
  });

  test('say: an utterance with room, identity, name, seq, input "text" and the cleaned text', async () => {
    const client = await hello('p-room-b', 'g-b1');
    const before = (await utterances()).length;
    client.send({ type: 'say', text: `  ${SAID}\n\n 第一句\u200b ` });
    client.send({ type: 'say', text: ' \n\t ' });
    client.send({ type: 'say', text: 'second' });
    const written = await waitFor('two utterances', async () => {
      const all = (await utterances()).slice(before);
      return all.length >= 2 ? all : undefined;
    });
    await sleep(200);
    assert.equal((await utterances()).length - before, 2, 'the empty message is ignored');
    const [first, second] = written;
    assert.deepEqual(
      { ...first, turnId: undefined, at: undefined },
      {
        type: 'utterance',
        turnId: undefined,
        room: 'p-room-b',
        seq: 1,
        identity: 'g-b1',
        name: NAME,
        input: 'text',
        text: `${SAID} 第一句`,
        shared: 'no',
        at: undefined,
      },
    );
    assert.equal(second!.seq, 2);
    assert.equal(second!.text, 'second');
    assert.notEqual(first!.turnId, second!.turnId);
    assert.equal(client.of('error').length, 0);
  });

  test('say is rate limited per socket: 10 within 10 s, then rate_limited', async () => {
    const client = await hello('p-room-c', 'g-c1');
    const other = await hello('p-room-c', 'g-c2');
    for (let i = 0; i < 11; i++) client.send({ type: 'say', text: `message ${i}` });
    assert.equal((await client.next('error')).code, 'rate_limited');
    other.send({ type: 'say', text: 'another socket is not limited by it' });
    await waitFor('11 utterances of room c', async () => {
      const ofRoom = (await utterances()).filter((u) => u.room === 'p-room-c');
      return ofRoom.length === 11 ? ofRoom : undefined;
    });
    assert.equal(client.of('error').length, 1);
  });

  test('speech sentences of a room reach its sockets only, as transcripts; speech.end is not sent', async () => {
    const d1 = await hello('p-room-d', 'g-d1');
    const d2 = await hello('p-room-d', 'g-d2');
    const e1 = await hello('p-room-e', 'g-e1');
    const sentence = (room: string, turnId: string, index: number, text: string) => ({
      type: 'speech.sentence',
      turnId,
      room,
      seq: 1,
      index,
      text,
      audioKey: null,
      sampleRate: 24000,
      llmMs: 0,
      synthMs: 0,
      at: Date.now(),
    });
    await xadd(Streams.speech, sentence('p-room-d', 'turn-d-00001', 0, '你好呀'));
    await xadd(Streams.speech, {
      type: 'speech.end',
      turnId: 'turn-d-00001',
      room: 'p-room-d',
      seq: 1,
      sentences: 1,
      outcome: 'answered',
      at: Date.now(),
    });
    await xadd(Streams.speech, sentence('p-room-e', 'turn-e-00001', 0, 'for e'));
    await xadd(Streams.speech, { type: 'speech.sentence', broken: true });
    await xadd(Streams.speech, sentence('p-room-d', 'turn-d-00001', 1, '第二句'));
    for (const client of [d1, d2]) {
      assert.deepEqual(await client.next('transcript'), {
        type: 'transcript',
        segmentId: 'turn-d-00001-0',
        text: '你好呀',
        final: true,
        from: 'dh-avatar',
      });
      assert.equal((await client.next('transcript')).segmentId, 'turn-d-00001-1');
    }
    assert.equal((await e1.next('transcript')).text, 'for e');
    await sleep(200);
    assert.equal(e1.of('transcript').length, 1, 'room e got only its own sentence');
    assert.equal(d1.of('transcript').length, 2, 'room d got only its own sentences, and no speech.end');
  });

  test('notices from stream:notices: for one room, or for everyone', async () => {
    const f = await hello('p-room-f', 'g-f1');
    const g = await hello('p-room-g', 'g-g1');
    const notice = (code: string, room?: string) => ({
      type: 'notice',
      code,
      ...(room ? { room } : {}),
      zh: `视频已暂停 ${code}`,
      en: `video paused ${code}`,
      at: Date.now(),
    });
    await xadd(Streams.notices, notice('video_paused', 'p-room-f'));
    await xadd(Streams.notices, notice('no_such_code'));
    await xadd(Streams.notices, notice('budget'));
    assert.deepEqual(await f.next('notice', (m) => m.code !== 'voice_off'), {
      type: 'notice',
      code: 'video_paused',
      zh: '视频已暂停 video_paused',
      en: 'video paused video_paused',
    });
    assert.equal((await f.next('notice', (m) => m.code !== 'voice_off')).code, 'budget');
    assert.equal((await g.next('notice', (m) => m.code !== 'voice_off')).code, 'budget');
    assert.deepEqual(
      g.of('notice').map((m) => m.code),
      ['voice_off', 'budget'],
      'room g never saw the notice of room f, nor the invalid one',
    );
  });

  test('a notice for one guest of a shared room reaches that guest only', async () => {
    const hong = await hello('s-room-h', 'g-h1');
    const gang = await hello('s-room-h', 'g-h2');
    await xadd(Streams.notices, {
      type: 'notice',
      code: 'wait_for_answer',
      room: 's-room-h',
      identity: 'g-h1',
      zh: '请等一下',
      en: 'please wait',
      at: Date.now(),
    });
    await xadd(Streams.notices, {
      type: 'notice',
      code: 'budget',
      room: 's-room-h',
      zh: '预算',
      en: 'budget',
      at: Date.now(),
    });
    assert.equal((await hong.next('notice', (m) => m.code !== 'voice_off')).code, 'wait_for_answer');
    assert.equal((await gang.next('notice', (m) => m.code !== 'voice_off')).code, 'budget');
    assert.deepEqual(
      gang.of('notice').map((m) => m.code),
      ['voice_off', 'budget'],
      'the other guest of the room never saw it',
    );
  });

  test('status follows the heartbeats: dialogue offline gives status and the offline notice', async () => {
    const client = await hello('p-room-h', 'g-h1');
    await heartbeat('dialogue', { llm: 'offline', messageMaxChars: 300 });
    await heartbeat('tts', {});
    await heartbeat('media', { voiceInput: false });
    const status = await client.next('status', (m) => m.llm === 'offline');
    assert.deepEqual(status, { type: 'status', llm: 'offline', voiceInput: false, healthy: true });
    assert.equal((await client.next('notice', (m) => m.code === 'offline')).code, 'offline');
    const late = await hello('p-room-h', 'g-h2');
    assert.deepEqual(late.of('status')[0], status, 'a new hello gets the current status');
    assert.equal((await late.next('notice', (m) => m.code === 'offline')).code, 'offline');
    await heartbeat('dialogue', { llm: 'online', messageMaxChars: 300 });
    assert.equal((await client.next('status', (m) => m.llm === 'online')).healthy, true);
  });

  test('a client that vanishes mid-frame or right after hello does not hurt the server', async () => {
    // A raw upgrade, then half a frame, then gone.
    const port = Number(new URL(gateway.url).port);
    await new Promise<void>((resolve) => {
      const raw = connect(port, '127.0.0.1', () => {
        raw.write(
          'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        );
        raw.once('data', () => {
          raw.write(Buffer.from([0x81, 0xfe, 0x10, 0x00, 1, 2, 3, 4, 5, 6]));
          raw.destroy();
          resolve();
        });
      });
      raw.on('error', () => resolve());
    });
    const quitter = await FeedClient.open(gateway.url);
    quitter.send({ type: 'hello', token: await token('p-room-i', 'g-i1') });
    quitter.send({ type: 'say', text: 'bye' });
    quitter.socket.terminate();
    await sleep(300);
    assert.ok(gateway.service.running);
    const client = await hello('p-room-i', 'g-i2');
    assert.equal(client.of('status').length, 1);
  });

  test('another path than /ws is not upgraded', async () => {
    const client = new FeedClient(gateway.url, { path: '/not-ws' });
    await client.waitClosed();
    assert.equal(client.of('status').length, 0);
  });

  test('nothing the guests sent, no token and no name, is in the logs', () => {
    const logs = gateway.service.output.join('\n');
    assert.match(logs, /feed hello refused/, 'the log level shows the feed at work');
    assert.ok(!logs.includes(NAME), 'no name');
    assert.ok(!logs.includes(SAID), 'no text');
    for (const t of tokens) assert.ok(!logs.includes(t.split('.')[2]!), 'no token');
  });

  test('SIGTERM: every socket gets a clean close (1001), the process exits 0', async () => {
    const a = await hello('p-room-j', 'g-j1');
    const b = await hello('p-room-k', 'g-k1');
    await gateway.service.kill('SIGTERM');
    assert.equal(gateway.service.process?.exitCode, 0);
    for (const client of [a, b]) assert.equal((await client.waitClosed()).code, 1001);
  });
});

describe('gateway: /ws keeps only live sockets, and only so many', () => {
  let gateway: RunningGateway;
  const clients: FeedClient[] = [];

  before(async () => {
    gateway = await startGateway(NO_LIVEKIT, { WS_PING_INTERVAL_MS: '1000', WS_MAX_CLIENTS: '2' });
  });
  after(async () => {
    for (const client of clients) client.socket.terminate();
    await gateway?.stop();
  });

  test('a socket that stops answering pings is dropped; one that answers stays', async () => {
    const live = await FeedClient.hello(gateway.url, await token('p-room-l', 'g-l1'));
    const dead = await FeedClient.hello(gateway.url, await token('p-room-l', 'g-l2'), { autoPong: false });
    clients.push(live, dead);
    const closed = await dead.waitClosed(15_000);
    assert.equal(closed.code, 1006, 'terminated without a close frame');
    assert.equal(live.closed, undefined);
  });

  test('over WS_MAX_CLIENTS: closed with 1013 (try again later)', async () => {
    const second = await FeedClient.hello(gateway.url, await token('p-room-l', 'g-l3'));
    clients.push(second);
    const third = await FeedClient.open(gateway.url);
    clients.push(third);
    assert.equal((await third.waitClosed()).code, 1013);
  });
});
