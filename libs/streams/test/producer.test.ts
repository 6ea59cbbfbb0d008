import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RedisNamespace } from '@dh/testing';
import { KeyPrefix, StreamProducer, createRedis } from '../src/index.js';

void describe('StreamProducer', () => {
  const ns = new RedisNamespace();
  const redis = createRedis(ns.url, { connectionName: 'streams-test' });
  const keys = new KeyPrefix(ns.prefix);
  after(async () => {
    redis.disconnect();
    await ns.cleanup();
  });

  void test('adds JSON in the event field and returns the entry id', async () => {
    const producer = new StreamProducer(redis, keys);
    const id = await producer.add('plain', { a: 1, text: '你好' });
    const entries = await redis.xrange(keys.key('plain'), '-', '+');
    assert.deepEqual(entries, [[id, ['event', JSON.stringify({ a: 1, text: '你好' })]]]);
  });

  void test('MAXLEN ~ keeps the stream bounded', async () => {
    const producer = new StreamProducer(redis, keys, { maxLen: 100 });
    for (let i = 0; i < 1_000; i += 1) await producer.add('bounded', { i });
    const length = await redis.xlen(keys.key('bounded'));
    // `~` trims whole radix-tree nodes (100 entries each by default), so the length lands near maxLen.
    assert.ok(length >= 100 && length < 300, `XLEN ${length}`);
    const [last] = await redis.xrevrange(keys.key('bounded'), '+', '-', 'COUNT', 1);
    assert.equal(last?.[1][1], JSON.stringify({ i: 999 }), 'the newest entries are the ones kept');
  });
});
