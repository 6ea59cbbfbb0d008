import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FeedClient, type FeedState, type SocketLike } from './feed-client.js';
import { backoffDelayMs, feedUrl, parseServerMessage } from './feed-protocol.js';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  closedWith: number | null = null;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

/** A FeedClient on fake sockets and a fake clock that records each delay asked for. */
function harness() {
  const sockets: FakeSocket[] = [];
  const delays: number[] = [];
  const pending: (() => void)[] = [];
  const states: FeedState[] = [];
  const notices: string[] = [];
  const transcripts: string[] = [];
  const errors: string[] = [];
  const client = new FeedClient({
    url: 'ws://host/ws',
    token: 'jwt',
    handlers: {
      state: (state) => states.push(state),
      notice: (notice) => notices.push(notice.code),
      transcript: (transcript) => transcripts.push(`${transcript.segmentId}:${transcript.text}`),
      error: (code) => errors.push(code),
    },
    createSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    setTimer: (callback, ms) => {
      delays.push(ms);
      pending.push(callback);
      return pending.length;
    },
    clearTimer: () => undefined,
  });
  const fire = () => pending.shift()?.();
  const latest = () => sockets[sockets.length - 1]!;
  return { client, sockets, delays, states, notices, transcripts, errors, fire, latest };
}

const status = { type: 'status', llm: 'online', voiceInput: false, healthy: true };

describe('backoffDelayMs', () => {
  test('1 s, 2 s, 4 s … capped at 30 s', () => {
    assert.deepEqual(
      Array.from({ length: 8 }, (_, attempt) => backoffDelayMs(attempt)),
      [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000],
    );
    assert.equal(backoffDelayMs(1000), 30_000);
  });
});

describe('parseServerMessage', () => {
  test('reads the four server messages', () => {
    assert.deepEqual(parseServerMessage(JSON.stringify(status)), status);
    assert.deepEqual(parseServerMessage('{"type":"notice","code":"offline","zh":"离线","en":"offline"}'), {
      type: 'notice',
      code: 'offline',
      zh: '离线',
      en: 'offline',
    });
    assert.deepEqual(
      parseServerMessage('{"type":"transcript","segmentId":"t-0","text":"Hi","final":true,"from":"dh-avatar"}'),
      { type: 'transcript', segmentId: 't-0', text: 'Hi', final: true, from: 'dh-avatar' },
    );
    assert.deepEqual(parseServerMessage('{"type":"error","code":"rate_limited","message":"慢点 / slow down"}'), {
      type: 'error',
      code: 'rate_limited',
      message: '慢点 / slow down',
    });
  });

  test("a status with the month's LLM budget spent", () => {
    const spent = { ...status, llm: 'budget' };
    assert.deepEqual(parseServerMessage(JSON.stringify(spent)), spent);
  });

  test('ignores what it cannot read', () => {
    for (const raw of ['', 'not json', '[]', '{"type":"status","llm":"maybe"}', '{"type":"notice","code":1}', '{}']) {
      assert.equal(parseServerMessage(raw), null, raw);
    }
    assert.equal(parseServerMessage(new ArrayBuffer(2)), null);
  });
});

describe('feedUrl', () => {
  test('same origin, ws or wss like the page', () => {
    assert.equal(feedUrl({ protocol: 'http:', host: '127.0.0.1:8080', pathname: '/' }), 'ws://127.0.0.1:8080/ws');
    assert.equal(feedUrl({ protocol: 'https:', host: 'chat.example', pathname: '/' }), 'wss://chat.example/ws');
    assert.equal(feedUrl({ protocol: 'https:', host: 'x', pathname: '/dh/index.html' }), 'wss://x/dh/ws');
  });
});

describe('FeedClient', () => {
  test('says hello with the token as soon as the socket opens', () => {
    const h = harness();
    h.client.start();
    h.latest().open();
    assert.deepEqual(h.latest().sent, [{ type: 'hello', token: 'jwt' }]);
    h.latest().receive(status);
    assert.equal(h.client.state, 'open');
  });

  test('reconnects with growing delays and says hello again each time', () => {
    const h = harness();
    h.client.start();
    for (let i = 0; i < 4; i += 1) {
      h.latest().drop();
      h.fire();
    }
    assert.deepEqual(h.delays, [1000, 2000, 4000, 8000]);
    assert.equal(h.sockets.length, 5);
    h.latest().open();
    assert.deepEqual(h.latest().sent, [{ type: 'hello', token: 'jwt' }]);
  });

  test('an answered hello resets the backoff', () => {
    const h = harness();
    h.client.start();
    h.latest().drop();
    h.fire();
    h.latest().drop();
    h.fire();
    h.latest().open();
    h.latest().receive(status);
    h.latest().drop();
    assert.deepEqual(h.delays, [1000, 2000, 1000]);
    assert.deepEqual(h.states, ['retrying', 'open', 'retrying']);
  });

  test('a refused token stops it for good', () => {
    const h = harness();
    h.client.start();
    h.latest().open();
    h.latest().receive({ type: 'error', code: 'unauthorized', message: '…' });
    h.latest().drop(4401);
    assert.equal(h.client.state, 'stopped');
    assert.deepEqual(h.delays, []);
    assert.deepEqual(h.errors, ['unauthorized']);
  });

  test('say sends only while open; stop closes without reconnecting', () => {
    const h = harness();
    h.client.start();
    assert.equal(h.client.say('early'), false);
    h.latest().open();
    assert.equal(h.client.say('你好'), true);
    assert.deepEqual(h.latest().sent[1], { type: 'say', text: '你好' });
    h.client.stop();
    assert.equal(h.latest().closedWith, 1000);
    assert.deepEqual(h.delays, []);
    assert.equal(h.client.say('late'), false);
  });

  test('passes notices and transcripts on', () => {
    const h = harness();
    h.client.start();
    h.latest().open();
    h.latest().receive({ type: 'notice', code: 'voice_off', zh: '语音关闭', en: 'voice off' });
    h.latest().receive({ type: 'transcript', segmentId: 't1-0', text: '你好！', final: true, from: 'dh-avatar' });
    h.latest().receive({ type: 'mystery' });
    assert.deepEqual(h.notices, ['voice_off']);
    assert.deepEqual(h.transcripts, ['t1-0:你好！']);
  });
});
