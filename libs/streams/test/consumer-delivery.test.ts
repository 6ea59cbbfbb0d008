import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@dh/testing';
import type { DeliveryInfo } from '../src/index.js';
import { GROUP, StreamHarness, type TestEvent, deferred } from './stream-harness.js';

void describe('StreamConsumer delivery', () => {
  let h: StreamHarness;
  beforeEach(() => (h = new StreamHarness()));
  afterEach(() => h.close());

  void test('every produced event is handled once and acknowledged', async () => {
    const seen: { event: TestEvent; delivery: DeliveryInfo }[] = [];
    await h.consumer({ handle: async (event, delivery) => void seen.push({ event, delivery }) });
    const events = Array.from({ length: 50 }, (_, n) => ({ n }));
    const ids = await h.produce(...events);

    await waitFor('all events handled', () => seen.length >= events.length);
    await waitFor('nothing pending', async () => (await h.pendingCount()) === 0);
    assert.equal(seen.length, events.length);
    assert.deepEqual(
      seen.map((s) => s.event.n).sort((a, b) => a - b),
      events.map((e) => e.n),
    );
    assert.deepEqual(new Set(seen.map((s) => s.delivery.id)), new Set(ids));
    assert.ok(seen.every((s) => s.delivery.deliveries === 1));
  });

  void test('an entry is acknowledged only after its handler resolves', async () => {
    const started = deferred();
    const release = deferred();
    await h.consumer({
      handle: async () => {
        started.resolve();
        await release.promise;
      },
    });
    const [id] = await h.produce({ n: 1 });

    await started.promise;
    // Same connection as the consumer's XACK: an ack sent before the handler ran would be seen here.
    const rows = await h.pendingRows();
    assert.deepEqual(
      rows.map(([pendingId, consumer]) => [pendingId, consumer]),
      [[id, 'c1']],
    );
    release.resolve();
    await waitFor('entry acknowledged', async () => (await h.pendingCount()) === 0);
  });

  void test('a handler that throws once gets the entry again after claimIdleMs, then it is acknowledged', async () => {
    const deliveries: DeliveryInfo[] = [];
    let pendingAtRetry = -1;
    await h.consumer({
      handle: async (_event, delivery) => {
        deliveries.push(delivery);
        if (deliveries.length === 1) throw new Error('transient failure');
        pendingAtRetry = await h.pendingCount();
      },
    });
    const [id] = await h.produce({ n: 1 });

    await waitFor('second delivery', () => deliveries.length >= 2);
    await waitFor('entry acknowledged', async () => (await h.pendingCount()) === 0);
    assert.deepEqual(deliveries, [
      { id, deliveries: 1 },
      { id, deliveries: 2 },
    ]);
    assert.equal(pendingAtRetry, 1, 'the failed entry stayed pending until the retry succeeded');
    assert.deepEqual(await h.deadLetters(), []);
  });

  void test('a handler that always throws sends the entry to <stream>:dead after maxDeliveries', async () => {
    const seen: number[] = [];
    await h.consumer({
      maxDeliveries: 3,
      handle: async (_event, delivery) => {
        seen.push(delivery.deliveries);
        throw new Error('permanent failure');
      },
    });
    const [id] = await h.produce({ n: 7 });

    await waitFor('dead letter', async () => (await h.deadLetters()).length > 0);
    await waitFor('entry acknowledged', async () => (await h.pendingCount()) === 0);
    assert.deepEqual(seen, [1, 2, 3]);
    assert.deepEqual(await h.deadLetters(), [
      { stream: h.stream, id, deliveries: '3', reason: 'too many deliveries', event: JSON.stringify({ n: 7 }) },
    ]);
    assert.equal(await h.deadLetterCount(), 1);
  });

  void test('an idle entry already delivered maxDeliveries times is dead-lettered, not handed out again', async () => {
    const [id] = await h.produce({ n: 9 });
    await h.redis.xgroup('CREATE', h.streamKey, GROUP, '0');
    // A consumer that failed four times and then died, long ago.
    await h.redis.xreadgroup('GROUP', GROUP, 'ghost', 'COUNT', 1, 'STREAMS', h.streamKey, '>');
    await h.redis.xclaim(h.streamKey, GROUP, 'ghost', 0, id!, 'IDLE', 600_000, 'RETRYCOUNT', 4, 'JUSTID');

    const seen: DeliveryInfo[] = [];
    await h.consumer({ consumer: 'live', maxDeliveries: 4, handle: async (_e, delivery) => void seen.push(delivery) });
    await waitFor('dead letter', async () => (await h.deadLetters()).length > 0);
    await waitFor('entry acknowledged', async () => (await h.pendingCount()) === 0);
    assert.deepEqual(seen, []);
    const [dead] = await h.deadLetters();
    assert.deepEqual([dead?.id, dead?.deliveries, dead?.reason], [id, '4', 'too many deliveries']);
  });

  void test('malformed bodies go to the dead-letter stream at once and never reach the handler', async () => {
    const handled: TestEvent[] = [];
    await h.consumer({
      parse: (raw) => {
        const value = JSON.parse(raw) as { n?: unknown };
        if (typeof value.n !== 'number') throw new Error('n must be a number');
        return value as TestEvent;
      },
      handle: async (event) => void handled.push(event),
    });
    const badJson = await h.addRaw('event', '{not json');
    const badShape = await h.addRaw('event', JSON.stringify({ n: 'seven' }));
    const noEvent = await h.addRaw('other', 'x');
    await h.produce({ n: 1 });

    // Entries are dispatched in stream order: once the good one is handled, the bad ones were judged.
    await waitFor('good entry handled', () => handled.length === 1);
    await waitFor('three dead letters', async () => (await h.deadLetters()).length === 3);
    await waitFor('nothing pending', async () => (await h.pendingCount()) === 0);
    assert.deepEqual(handled, [{ n: 1 }]);
    const dead = await h.deadLetters();
    assert.deepEqual(
      dead.map((d) => d.id),
      [badJson, badShape, noEvent],
    );
    assert.ok(dead.every((d) => (d.reason ?? '').startsWith('malformed') && d.deliveries === '1'));
    assert.equal(dead[1]!.reason, 'malformed: n must be a number');
    assert.equal(dead[0]!.event, '{not json');
    assert.equal(await h.deadLetterCount(), 3);
  });
});
