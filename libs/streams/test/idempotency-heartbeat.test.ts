import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keys } from '@dh/contracts';
import { RedisNamespace, sleep, waitFor } from '@dh/testing';
import { Heartbeat, type HeartbeatValue, IdempotencyStore, KeyPrefix, createRedis } from '../src/index.js';

void describe('IdempotencyStore and Heartbeat', () => {
  const ns = new RedisNamespace();
  const redis = createRedis(ns.url, { connectionName: 'streams-test' });
  const keys = new KeyPrefix(ns.prefix);
  after(async () => {
    redis.disconnect();
    await ns.cleanup();
  });

  void test('markDone makes isDone true, with a TTL', async () => {
    const store = new IdempotencyStore(redis, keys);
    assert.equal(await store.isDone('turn-1'), false);
    await store.markDone('turn-1', 60);
    assert.equal(await store.isDone('turn-1'), true);
    assert.equal(await store.isDone('turn-2'), false);
    const ttl = await redis.ttl(keys.key('done:turn-1'));
    assert.ok(ttl > 0 && ttl <= 60, `TTL ${ttl}`);
  });

  void test('claimOnce lets exactly one of many concurrent callers through', async () => {
    const store = new IdempotencyStore(redis, keys);
    const results = await Promise.all(Array.from({ length: 20 }, () => store.claimOnce('job-1', 60)));
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await store.claimOnce('job-1', 60), false);
    assert.equal(await store.claimOnce('job-2', 60), true);
    const ttl = await redis.ttl(keys.key('once:job-1'));
    assert.ok(ttl > 0 && ttl <= 60, `TTL ${ttl}`);
  });

  void test('a claim can be taken again once it expires', async () => {
    const store = new IdempotencyStore(redis, keys);
    assert.equal(await store.claimOnce('short', 1), true);
    assert.equal(await store.claimOnce('short', 1), false);
    await waitFor('claim to expire', () => store.claimOnce('short', 1), 5_000, 100);
  });

  void test('the heartbeat key exists with a TTL, is refreshed, and is removed on stop', async () => {
    const intervalMs = 200;
    const heartbeat = new Heartbeat(redis, keys, 'tts', intervalMs);
    const key = keys.key(Keys.heartbeat('tts'));
    await heartbeat.start();
    try {
      const first = JSON.parse((await redis.get(key))!) as { pid: number; at: number };
      assert.equal(first.pid, process.pid);
      const ttl = await redis.pttl(key);
      assert.ok(ttl > 0 && ttl <= intervalMs * 3, `PTTL ${ttl}`);
      await waitFor('a later beat', async () => {
        const value = await redis.get(key);
        return value !== null && (JSON.parse(value) as { at: number }).at > first.at;
      });
    } finally {
      await heartbeat.stop();
    }
    assert.equal(await redis.exists(key), 0);
    // No beat may come after stop and bring the key back.
    await sleep(intervalMs * 2);
    assert.equal(await redis.exists(key), 0);
  });

  void test('each beat carries the flags as they are at that moment; none given is {}', async () => {
    const intervalMs = 100;
    let llm = 'online';
    const heartbeat = new Heartbeat(redis, keys, 'dialogue', intervalMs, () => ({ llm, messageMaxChars: 300 }));
    const plain = new Heartbeat(redis, keys, 'tts', intervalMs);
    const read = async (service: string) =>
      JSON.parse((await redis.get(keys.key(Keys.heartbeat(service))))!) as HeartbeatValue;
    await Promise.all([heartbeat.start(), plain.start()]);
    try {
      const first = await read('dialogue');
      assert.deepEqual(Object.keys(first).sort(), ['at', 'flags', 'pid', 'startedAt']);
      assert.deepEqual(first.flags, { llm: 'online', messageMaxChars: 300 });
      assert.deepEqual((await read('tts')).flags, {});
      llm = 'offline';
      await waitFor('a beat with the new flag', async () => (await read('dialogue')).flags.llm === 'offline');
    } finally {
      await Promise.all([heartbeat.stop(), plain.stop()]);
    }
  });

  void test('a flags provider that throws costs the flags, not the beat', async () => {
    const intervalMs = 100;
    let broken = false;
    const heartbeat = new Heartbeat(redis, keys, 'media', intervalMs, () => {
      if (broken) throw new Error('flags unavailable');
      return { voiceInput: false };
    });
    const key = keys.key(Keys.heartbeat('media'));
    await heartbeat.start();
    try {
      broken = true;
      const before = JSON.parse((await redis.get(key))!) as HeartbeatValue;
      await waitFor('a beat without flags', async () => {
        const value = JSON.parse((await redis.get(key)) ?? 'null') as HeartbeatValue | null;
        return value !== null && value.at > before.at && Object.keys(value.flags).length === 0;
      });
    } finally {
      await heartbeat.stop();
    }
  });
});
