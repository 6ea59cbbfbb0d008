import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { ServiceProcess } from '@dh/testing';
import {
  NO_LIVEKIT,
  type RunningGateway,
  assertErrorShape,
  join,
  metricValue,
  request,
  startGateway,
} from './gateway-harness.js';

const INVALID = 'dh_joins_total{result="invalid",service="gateway"}';

describe('gateway: bad input never gets past validation and always gets the JSON error shape', () => {
  let gateway: RunningGateway;

  // None of these requests reaches LiveKit, so none is running: a request that did would fail as 503.
  before(async () => {
    gateway = await startGateway(NO_LIVEKIT);
  });
  after(async () => {
    await gateway?.stop();
  });

  const bad: [what: string, body: unknown, status: number, message?: RegExp][] = [
    ['broken JSON', '{"name": "小明",', 400, /not valid JSON/],
    ['a JSON string instead of an object', '"小明"', 400],
    ['an empty body object', {}, 400, /name is required/],
    ['an empty name', { name: '' }, 400, /name must not be empty/],
    ['a whitespace-only name', { name: ' \t  ' }, 400, /name must not be empty/],
    ['a 200-character name', { name: '名'.repeat(200) }, 400, /at most 32 characters/],
    ['a 33-character name', { name: 'a'.repeat(33) }, 400, /at most 32 characters/],
    ['a bell character in the name', { name: 'Tom\u0007' }, 400, /control characters/],
    ['a newline inside the name', { name: 'To\nm' }, 400, /control characters/],
    ['a bidi override in the name', { name: 'abc\u202edef' }, 400, /control characters/],
    ['a number as name', { name: 5 }, 400, /name must be a string/],
    ['null as name', { name: null }, 400, /name is required/],
    ['an array as room', { name: 'Tom', room: [] }, 400, /room must be a string/],
    ['null as room', { name: 'Tom', room: null }, 400, /room must be a string/],
    ['an object as passcode', { name: 'Tom', passcode: {} }, 400, /passcode must be a string/],
    ['a passcode over 128 characters', { name: 'Tom', passcode: 'x'.repeat(129) }, 400, /at most 128/],
    ['an unknown field', { name: 'Tom', admin: true }, 400, /unknown field admin/],
    ['a room with capitals and spaces', { name: 'Tom', room: 'My Room' }, 400, /room must be/],
    ['a room with a slash', { name: 'Tom', room: '../x' }, 400, /room must be/],
    ['a 33-character room', { name: 'Tom', room: 'a'.repeat(33) }, 400, /room must be/],
    ['an empty room', { name: 'Tom', room: '' }, 400, /room must be/],
    ['a 2 MB body', { name: 'x'.repeat(2 * 1024 * 1024) }, 413, /too large/],
  ];

  for (const [what, body, status, message] of bad) {
    test(`${what} -> ${status}`, async () => {
      const reply = await join(gateway, body);
      assertErrorShape(reply, status);
      if (message) assert.match(JSON.stringify((reply.body as { message: unknown }).message), message);
    });
  }

  test('every message is Chinese first, then English', async () => {
    const reply = await join(gateway, { name: '', room: 'A B', extra: 1 });
    assertErrorShape(reply, 400);
    const messages = (reply.body as { message: string[] }).message;
    assert.equal(messages.length, 3);
    for (const message of messages) assert.match(message, /^[^a-zA-Z]*[\u4e00-\u9fff].* \/ [a-z]/);
  });

  test('a body that is not JSON -> 415', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
      const reply = await join(gateway, 'name=Tom', { contentType });
      assertErrorShape(reply, 415);
    }
  });

  test('refused bodies are counted as invalid joins', async () => {
    const before = await metricValue(gateway, INVALID);
    await join(gateway, { name: '' });
    await join(gateway, '{oops');
    assert.equal(await metricValue(gateway, INVALID), before + 2);
  });

  test('unknown routes and methods -> 404 with the error shape', async () => {
    assertErrorShape(await request(`${gateway.url}/nope`), 404);
    assertErrorShape(await request(`${gateway.url}/api/nope`, { method: 'POST' }), 404);
    assertErrorShape(await request(`${gateway.url}/api/join`), 404);
    assertErrorShape(await request(`${gateway.url}/%FF`), 404);
  });

  test('the gateway survives all of it', async () => {
    assert.ok(gateway.service.running);
    assert.equal((await request(`${gateway.url}/api/config`)).status, 200);
  });
});

describe('gateway: page, client config and metrics', () => {
  let gateway: RunningGateway;

  before(async () => {
    // An empty WEB_ROOT: the page is not built, so the minimal page of public/ is served.
    const notBuilt = mkdtempSync(joinPath(tmpdir(), 'dh-web-'));
    gateway = await startGateway(NO_LIVEKIT, { GUEST_PASSCODE: 'sesame', WEB_ROOT: notBuilt });
  });
  after(async () => {
    await gateway?.stop();
  });

  test('GET / without a built page serves the minimal one: HTML, no-cache, a join form, nothing from outside', async () => {
    const reply = await request(`${gateway.url}/`);
    assert.equal(reply.status, 200);
    assert.match(reply.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
    assert.equal(reply.headers.get('cache-control'), 'no-cache');
    assert.match(reply.text, /<title>开心数字人<\/title>/);
    for (const id of ['join-name', 'join-passcode', 'join-submit', 'join-error'])
      assert.match(reply.text, new RegExp(`data-testid="${id}"`));
    assert.match(reply.text, /fetch\('\/api\/join'/);
    assert.doesNotMatch(reply.text, /(src|href)\s*=\s*["']?(https?:)?\/\//i);
    assert.doesNotMatch(reply.text, /@import|url\(/i);
  });

  test('GET /api/config says whether a passcode is required', async () => {
    const reply = await request(`${gateway.url}/api/config`);
    assert.equal(reply.status, 200);
    assert.equal((reply.body as { passcodeRequired: boolean }).passcodeRequired, true);
  });

  test('/metrics on METRICS_PORT has dh_joins_total and dh_guests', async () => {
    await join(gateway, { name: '' });
    const text = await (await fetch(gateway.metricsUrl)).text();
    assert.match(text, /^dh_joins_total\{result="invalid",service="gateway"\} [1-9]/m);
    assert.match(text, /^# TYPE dh_guests gauge/m);
    assert.match(text, /^process_resident_memory_bytes/m);
  });
});

describe('gateway: bad configuration', () => {
  for (const [variable, value] of [
    ['MAX_GUESTS', 'abc'],
    ['MAX_GUESTS', '0'],
    ['TRUST_PROXY', 'proxy.example'],
    ['LIVEKIT_PUBLIC_URL', 'not a url'],
  ] as const) {
    test(`${variable}=${value} stops the gateway at start with one line naming it (exit 78)`, async () => {
      const service = new ServiceProcess({
        name: 'gateway',
        env: { [variable]: value, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: 'test:config-error:' },
      });
      const { code, output } = await service.runToExit();
      assert.equal(code, 78);
      assert.equal(output.length, 1, output.join('\n'));
      assert.match(output[0]!, new RegExp(`\\b${variable}\\b`));
    });
  }
});
