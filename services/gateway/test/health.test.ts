import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keys } from '@dh/contracts';
import { type RunningLiveKit, startLiveKit } from '@dh/testing';
import {
  type Reply,
  type RunningGateway,
  assertErrorShape,
  join,
  metricValue,
  request,
  startGateway,
} from './gateway-harness.js';

interface Health {
  status: string;
  checks: Record<string, string>;
}

const CHECKS = ['dialogue', 'livekit', 'media', 'redis', 'tts'];

function assertHealthShape(reply: Reply, status: number): Health {
  assert.equal(reply.status, status, reply.text);
  const body = reply.body as Health;
  assert.deepEqual(Object.keys(body).sort(), ['checks', 'status']);
  assert.deepEqual(Object.keys(body.checks).sort(), CHECKS);
  for (const value of Object.values(body.checks)) assert.equal(typeof value, 'string');
  return body;
}

describe('gateway: GET /api/health', () => {
  let livekit: RunningLiveKit;
  let gateway: RunningGateway;

  before(async () => {
    livekit = await startLiveKit();
    gateway = await startGateway(livekit);
  });
  after(async () => {
    await gateway?.stop();
    await livekit?.stop();
  });

  const health = () => request(`${gateway.url}/api/health`);

  test('503 naming the services without a heartbeat', async () => {
    const body = assertHealthShape(await health(), 503);
    assert.notEqual(body.status, 'ok');
    assert.equal(body.checks.redis, 'ok');
    assert.equal(body.checks.livekit, 'ok');
    for (const service of ['dialogue', 'tts', 'media']) assert.equal(body.checks[service], 'no heartbeat');
  });

  test('200 once every service has a heartbeat', async () => {
    for (const service of ['dialogue', 'tts', 'media'])
      await gateway.ns.redis.set(gateway.ns.key(Keys.heartbeat(service)), '{}', 'PX', 120_000);
    const body = assertHealthShape(await health(), 200);
    assert.deepEqual(body, {
      status: 'ok',
      checks: { redis: 'ok', livekit: 'ok', dialogue: 'ok', tts: 'ok', media: 'ok' },
    });
  });

  test('LiveKit stopped: health 503 with the LiveKit check failing, and joins 503 not ready', async () => {
    await livekit.stop();
    const started = Date.now();
    const body = assertHealthShape(await health(), 503);
    assert.ok(Date.now() - started < 10_000, 'the health check must answer in bounded time');
    assert.equal(body.status, 'error');
    assert.notEqual(body.checks.livekit, 'ok');
    assert.equal(body.checks.redis, 'ok');
    assert.equal(body.checks.media, 'ok');

    const reply = await join(gateway, { name: 'Tom' });
    assertErrorShape(reply, 503);
    assert.match(String((reply.body as { message: string }).message), /not ready/);
    assert.equal(reply.headers.get('x-unavailable-reason'), 'unavailable');
    assert.equal(await metricValue(gateway, 'dh_joins_total{result="unavailable",service="gateway"}'), 1);
    assert.ok(gateway.service.running);
  });
});
