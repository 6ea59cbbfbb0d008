import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, waitFor } from '@dh/testing';
import type { DeliveryInfo } from '../src/index.js';
import { CLAIM_IDLE_MS, GROUP, StreamHarness, type TestEvent, deferred, never } from './stream-harness.js';

void describe('StreamConsumer recovery', () => {
  let h: StreamHarness;
  beforeEach(() => (h = new StreamHarness()));
  afterEach(() => h.close());

  void test('a restarted consumer handles its own pending entries first', async () => {
    const firstRun: string[] = [];
    const before = await h.consumer({
      handle: async (_event, delivery) => {
        firstRun.push(delivery.id);
        await never();
      },
    });
    const ids = await h.produce({ n: 1 }, { n: 2 }, { n: 3 });
    await waitFor('first run got every entry', () => firstRun.length === 3);
    await before.stop(0);

    const secondRun: DeliveryInfo[] = [];
    // A claim timer that cannot fire during the test: only the read of our own pending entries can deliver.
    await h.consumer({
      claimIdleMs: 600_000,
      handle: async (_event, delivery) => void secondRun.push(delivery),
    });
    await waitFor('second run handled every entry', () => secondRun.length === 3);
    await waitFor('nothing pending', async () => (await h.pendingCount()) === 0);
    assert.deepEqual(
      secondRun.map((d) => d.id),
      ids,
    );
    assert.ok(secondRun.every((d) => d.deliveries >= 2));
  });

  void test('a pending entry deleted from the stream is forgotten on restart', async () => {
    const [gone, kept] = await h.produce({ n: 1 }, { n: 2 });
    await h.redis.xgroup('CREATE', h.streamKey, GROUP, '0');
    // The previous run of c1 read both and died; then the first was trimmed away.
    await h.redis.xreadgroup('GROUP', GROUP, 'c1', 'COUNT', 10, 'STREAMS', h.streamKey, '>');
    await h.redis.xdel(h.streamKey, gone!);

    const seen: DeliveryInfo[] = [];
    await h.consumer({ claimIdleMs: 600_000, handle: async (_e, delivery) => void seen.push(delivery) });
    await waitFor('nothing pending', async () => (await h.pendingCount()) === 0);
    assert.deepEqual(seen, [{ id: kept, deliveries: 2 }]);
    assert.deepEqual(await h.deadLetters(), []);
  });

  void test('entries of a consumer that died are claimed by another after claimIdleMs', async () => {
    const deadSeen: string[] = [];
    const dead = await h.consumer({
      consumer: 'dead',
      handle: async (_event, delivery) => {
        deadSeen.push(delivery.id);
        await never();
      },
    });
    const ids = await h.produce({ n: 1 }, { n: 2 }, { n: 3 });
    await waitFor('dead consumer got every entry', () => deadSeen.length === 3);
    await dead.stop(0);
    assert.deepEqual(
      (await h.pendingRows()).map(([, consumer]) => consumer),
      ['dead', 'dead', 'dead'],
    );

    const live: DeliveryInfo[] = [];
    await h.consumer({ consumer: 'live', handle: async (_event, delivery) => void live.push(delivery) });
    await waitFor('live consumer handled every entry', () => live.length === 3);
    await waitFor('nothing pending', async () => (await h.pendingCount()) === 0);
    assert.deepEqual(live.map((d) => d.id).sort(), [...ids].sort());
    assert.ok(live.every((d) => d.deliveries === 2));
  });

  void test('an entry whose handler runs longer than claimIdleMs is not claimed by anyone else', async () => {
    const calls: string[] = [];
    const started = deferred();
    let rowsAtEnd: [string, string, number, number][] = [];
    // A longer idle limit than elsewhere: a stalled test process must not look like a stopped touch.
    const claimIdleMs = CLAIM_IDLE_MS * 2;
    await h.consumer({
      consumer: 'busy',
      claimIdleMs,
      handle: async () => {
        calls.push('busy');
        started.resolve();
        await sleep(claimIdleMs * 3);
        rowsAtEnd = await h.pendingRows();
      },
    });
    const [id] = await h.produce({ n: 1 });
    await started.promise;
    // A second consumer whose claim timer would take the entry if `busy` stopped touching it.
    await h.consumer({ consumer: 'other', claimIdleMs, handle: async () => void calls.push('other') });

    await waitFor('entry acknowledged', async () => (await h.pendingCount()) === 0);
    assert.deepEqual(calls, ['busy']);
    assert.equal(rowsAtEnd.length, 1);
    const [rowId, owner, , deliveries] = rowsAtEnd[0]!;
    assert.deepEqual([rowId, owner, deliveries], [id, 'busy', 1]);
  });

  void test('after Redis loses the stream and its group, the consumer makes the group again', async () => {
    const seen: TestEvent[] = [];
    // The claim timer cannot fire during the test: only the read loop's own recovery can bring the group back.
    await h.consumer({ claimIdleMs: 600_000, handle: async (event) => void seen.push(event) });
    await h.produce({ n: 1 });
    await waitFor('first event handled', () => seen.length === 1);

    // Redis restarted without persistence: stream and group are gone while the consumer blocks.
    await h.redis.del(h.streamKey);
    await h.produce({ n: 2 });
    await waitFor('event after the loss handled', () => seen.length === 2);

    // The stream comes back without a group before the consumer notices: that entry must not be skipped.
    await h.redis
      .multi()
      .del(h.streamKey)
      .xadd(h.streamKey, '*', 'event', JSON.stringify({ n: 3 }))
      .exec();
    await h.produce({ n: 4 });
    await waitFor('every event handled', () => seen.length === 4);
    await waitFor('nothing pending', async () => (await h.pendingCount()) === 0);
    assert.deepEqual(
      seen.map((e) => e.n),
      [1, 2, 3, 4],
    );
    const groups = (await h.redis.xinfo('GROUPS', h.streamKey)) as unknown[][];
    assert.equal(groups.length, 1);
    assert.equal(groups[0]![1], GROUP);
  });
});
