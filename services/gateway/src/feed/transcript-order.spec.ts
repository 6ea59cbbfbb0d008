import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TranscriptMessage } from './feed-protocol.js';
import { TranscriptOrder } from './transcript-order.js';

function harness(holdMs = 1_000) {
  const shown: string[] = [];
  const order = new TranscriptOrder((m) => shown.push(m.segmentId), holdMs);
  const sentence = (seq: number, index: number, now = 0) => order.sentence(seq, index, message(seq, index), now);
  return { shown, order, sentence };
}

function message(seq: number, index: number): TranscriptMessage {
  return { type: 'transcript', segmentId: `t${seq}-${index}`, text: 'x', final: true, from: 'dh-avatar' };
}

test('sentences of a turn come out by index, whatever order they arrive in', () => {
  const { shown, order, sentence } = harness();
  order.end(1, 3);
  sentence(1, 2);
  sentence(1, 1);
  assert.deepEqual(shown, []);
  sentence(1, 0);
  assert.deepEqual(shown, ['t1-0', 't1-1', 't1-2']);
  order.close();
});

test('a turn waits for the one before it to end; a turn without sentences is passed over', () => {
  const { shown, order, sentence } = harness();
  sentence(1, 0);
  sentence(2, 0);
  order.end(2, 1);
  assert.deepEqual(shown, ['t1-0'], 'turn 1 may have more sentences');
  sentence(1, 1);
  order.end(1, 2);
  assert.deepEqual(shown, ['t1-0', 't1-1', 't2-0']);
  sentence(4, 0);
  assert.deepEqual(shown, ['t1-0', 't1-1', 't2-0'], 'turn 4 waits until turn 3 is known to be empty');
  order.end(3, 0);
  assert.deepEqual(shown, ['t1-0', 't1-1', 't2-0', 't4-0']);
  order.close();
});

test('a gap that does not fill within holdMs is skipped; what arrives late is shown at once', () => {
  const { shown, order, sentence } = harness(1_000);
  order.end(5, 3);
  sentence(5, 1, 0);
  sentence(5, 2, 10);
  order.expire(500);
  assert.deepEqual(shown, [], 'not yet');
  order.expire(1_000);
  assert.deepEqual(shown, ['t5-1', 't5-2']);
  sentence(5, 0, 1_100);
  assert.deepEqual(shown, ['t5-1', 't5-2', 't5-0']);
  sentence(6, 0, 1_200);
  assert.deepEqual(shown, ['t5-1', 't5-2', 't5-0', 't6-0']);
  order.close();
});

test('its own timer skips the gap', async () => {
  const { shown, order } = harness(50);
  order.sentence(1, 1, message(1, 1));
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.deepEqual(shown, ['t1-1']);
  order.close();
});
