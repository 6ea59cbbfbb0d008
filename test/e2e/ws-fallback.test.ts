import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { AVATAR_IDENTITY, Keys, Streams, UtteranceEvent, parseJson } from '@dh/contracts';
import { Stack, waitFor } from '@dh/testing';

/** The part of the `ws` client used here (the package, installed with @nestjs/platform-ws, has no types). */
interface WsClient extends EventEmitter {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number): void;
  terminate(): void;
}
const WebSocket = createRequire(import.meta.url)('ws') as new (url: string) => WsClient;

interface FeedMessage {
  type: string;
  [field: string]: unknown;
}

interface JoinBody {
  url: string;
  token: string;
  room: string;
  identity: string;
}

/** The transcriptions of one answer: its segments share the turn id (`<turnId>-<index>`). */
function turnOf(segmentId: string): string {
  return segmentId.slice(0, segmentId.lastIndexOf('-'));
}

describe('WebRTC blocked: the guest talks with the avatar over /ws as text', () => {
  const stack = new Stack();
  let socket: WsClient;
  const messages: FeedMessage[] = [];
  let joined: JoinBody;

  before(async () => {
    await stack.start();
  });
  after(async () => {
    socket?.terminate();
    await stack.stop();
  });

  test('the services tell the gateway what works through their heartbeat flags', async () => {
    const heartbeat = async (service: string) =>
      JSON.parse((await stack.ns.redis.get(stack.ns.key(Keys.heartbeat(service))))!) as { flags: unknown };
    assert.deepEqual((await heartbeat('dialogue')).flags, { llm: 'online', messageMaxChars: 300 });
    assert.deepEqual((await heartbeat('media')).flags, { voiceInput: false });
    const config = (await (await fetch(`${stack.gatewayUrl}/api/config`)).json()) as Record<string, unknown>;
    assert.equal(config.llm, 'online');
    assert.equal(config.voiceInput, false);
    assert.equal(config.messageMaxChars, 300);
  });

  test('join, never connect to LiveKit, say hello on /ws with the token: the status of a healthy stack', async () => {
    const response = await fetch(`${stack.gatewayUrl}/api/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '小红' }),
    });
    assert.equal(response.status, 200);
    joined = (await response.json()) as JoinBody;

    socket = new WebSocket(`${stack.gatewayUrl.replace(/^http/, 'ws')}/ws`);
    socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as FeedMessage));
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.send(JSON.stringify({ type: 'hello', token: joined.token }));
    const status = await waitFor('the status', () => messages.find((m) => m.type === 'status'));
    assert.deepEqual(status, { type: 'status', llm: 'online', voiceInput: false, healthy: true });
  });

  test('a typed message is answered as transcripts, in order, once', async () => {
    socket.send(JSON.stringify({ type: 'say', text: '我的网络不好，用文字聊天' }));
    const transcripts = () => messages.filter((m) => m.type === 'transcript');
    await waitFor(
      'the answer echoing the message',
      () => transcripts().some((m) => String(m.text).includes('用文字聊天')),
      30_000,
    );
    // The answer is complete when the dialogue says how many sentences it had.
    const end = await waitFor(
      'the end of the answer',
      async () => {
        const entries = await stack.ns.redis.xrange(stack.ns.key(Streams.speech), '-', '+');
        return entries
          .map(([, fields]) => JSON.parse(fields[fields.indexOf('event') + 1]!) as Record<string, unknown>)
          .find((e) => e.type === 'speech.end' && e.room === joined.room && e.outcome === 'answered');
      },
      30_000,
    );
    const sentences = end.sentences as number;
    await waitFor('every sentence', () => transcripts().length >= sentences, 10_000);

    const answer = transcripts();
    assert.equal(answer.length, sentences, 'each sentence once');
    assert.equal(new Set(answer.map((m) => turnOf(String(m.segmentId)))).size, 1, 'one turn');
    assert.deepEqual(
      answer.map((m) => String(m.segmentId).slice(-2)),
      answer.map((_, i) => `-${i}`),
      'in order',
    );
    for (const m of answer) {
      assert.equal(m.final, true);
      assert.equal(m.from, AVATAR_IDENTITY);
    }

    const [utterance] = (await stack.ns.redis.xrange(stack.ns.key(Streams.utterances), '-', '+'))
      .map(([, fields]) => parseJson(UtteranceEvent, fields[fields.indexOf('event') + 1]!))
      .filter((u) => u.room === joined.room);
    assert.equal(utterance?.input, 'text');
    assert.equal(utterance?.identity, joined.identity);
    assert.equal(utterance?.name, '小红');
    assert.equal(turnOf(String(answer[0]!.segmentId)), utterance?.turnId);
    assert.equal(
      messages.filter((m) => m.type === 'error').length,
      0,
      JSON.stringify(messages.filter((m) => m.type === 'error')),
    );
  });
});
