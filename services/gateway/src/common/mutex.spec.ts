import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mutex } from './mutex.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('mutex runs work one at a time in call order, also after a failure', async () => {
  const mutex = new Mutex();
  const events: string[] = [];
  let active = 0;
  const job = (id: string, ms: number, fail = false) =>
    mutex.run(async () => {
      active += 1;
      assert.equal(active, 1, 'two jobs ran at once');
      events.push(`start ${id}`);
      await tick(ms);
      events.push(`end ${id}`);
      active -= 1;
      if (fail) throw new Error(`job ${id} failed`);
      return id;
    });
  const results = await Promise.allSettled([job('a', 20), job('b', 1, true), job('c', 5)]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.deepEqual(events, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
});
