import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@dh/testing';
import { StreamHarness, type TestEvent, deferred } from './stream-harness.js';

void describe('StreamConsumer partitions', () => {
  let h: StreamHarness;
  beforeEach(() => (h = new StreamHarness()));
  afterEach(() => h.close());

  void test('one key is handled serially in stream order while other keys run concurrently', async () => {
    const events: Required<TestEvent>[] = [
      { key: 'a', n: 1 },
      { key: 'b', n: 1 },
      { key: 'a', n: 2 },
      { key: 'b', n: 2 },
      { key: 'a', n: 3 },
      { key: 'b', n: 3 },
    ];
    // Produced before the consumer starts: one read returns all of them, so nothing but the partitioning
    // keeps a:2 from starting while a:1 is blocked.
    await h.produce(...events);

    const log: string[] = [];
    const active = new Map<string, number>();
    let overlapWithinKey = false;
    const releaseA1 = deferred();
    const b1Started = deferred();
    await h.consumer<Required<TestEvent>>({
      partitionKey: (event) => event.key,
      handle: async (event) => {
        const running = (active.get(event.key) ?? 0) + 1;
        active.set(event.key, running);
        if (running > 1) overlapWithinKey = true;
        log.push(`start ${event.key}${event.n}`);
        if (event.key === 'a' && event.n === 1) {
          // a1 waits for b1: if keys ran serially, this would never happen.
          await b1Started.promise;
          await releaseA1.promise;
        }
        if (event.key === 'b' && event.n === 1) b1Started.resolve();
        log.push(`end ${event.key}${event.n}`);
        active.set(event.key, running - 1);
      },
    });

    await waitFor('every b handled while a1 is blocked', () => log.includes('end b3'));
    assert.ok(log.includes('start a1') && !log.includes('end a1'));
    assert.ok(!log.includes('start a2'), 'a2 must wait for a1');
    releaseA1.resolve();
    await waitFor('every entry acknowledged', async () => log.length === 12 && (await h.pendingCount()) === 0);

    assert.equal(overlapWithinKey, false);
    const ofKey = (key: string) => log.filter((line) => line.split(' ')[1]!.startsWith(key));
    assert.deepEqual(ofKey('a'), ['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
    assert.deepEqual(ofKey('b'), ['start b1', 'end b1', 'start b2', 'end b2', 'start b3', 'end b3']);
  });
});
