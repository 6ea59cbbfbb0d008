import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keys, SchemaError, Streams, UtteranceEvent, parseJson } from '@dh/contracts';
import { RedisNamespace } from '@dh/testing';
import { KeyPrefix, StreamProducer, TURN_SEQ_TTL_S, UtteranceWriter, createRedis } from '../src/index.js';

void describe('UtteranceWriter', () => {
  const ns = new RedisNamespace();
  const redis = createRedis(ns.url, { connectionName: 'utterance-writer-test' });
  const keys = new KeyPrefix(ns.prefix);
  const writer = new UtteranceWriter(redis, keys, new StreamProducer(redis, keys));
  after(async () => {
    redis.disconnect();
    await ns.cleanup();
  });

  const written = async () =>
    (await redis.xrange(keys.key(Streams.utterances), '-', '+')).map(([, fields]) =>
      parseJson(UtteranceEvent, fields[fields.indexOf('event') + 1]!),
    );

  void test('numbers turns per room, with a TTL on the counter, and appends the event as returned', async () => {
    const guest = { identity: 'g-1', name: '小明', input: 'text' as const };
    const a1 = await writer.write({ ...guest, room: 'p-room-a', text: '你好' });
    const a2 = await writer.write({ ...guest, room: 'p-room-a', text: 'again' });
    const b1 = await writer.write({ ...guest, room: 's-room-b', text: 'hi', turnId: 'turn-given-0001' });
    assert.deepEqual([a1.seq, a2.seq, b1.seq], [1, 2, 1]);
    assert.equal(b1.turnId, 'turn-given-0001');
    assert.notEqual(a1.turnId, a2.turnId);
    assert.equal(a1.shared, 'no');
    assert.equal(b1.shared, 'yes');
    assert.ok(Math.abs(a1.at - Date.now()) < 60_000);
    const ttl = await redis.ttl(keys.key(Keys.turnSeq('p-room-a')));
    assert.ok(ttl > 0 && ttl <= TURN_SEQ_TTL_S, `TTL ${ttl}`);
    assert.deepEqual(await written(), [a1, a2, b1]);
  });

  void test('an event the contract refuses throws before anything is numbered or written', async () => {
    const before = (await written()).length;
    await assert.rejects(
      writer.write({ room: 'not a room', identity: 'g-1', name: 'x', input: 'text', text: 'hi' }),
      SchemaError,
    );
    await assert.rejects(
      writer.write({ room: 'p-room-c', identity: 'g-1', name: 'x'.repeat(65), input: 'text', text: 'hi' }),
      SchemaError,
    );
    assert.equal(await redis.exists(keys.key(Keys.turnSeq('p-room-c'))), 0);
    assert.equal((await written()).length, before);
  });
});
