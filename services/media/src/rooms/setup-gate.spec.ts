import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SetupGate } from './setup-gate.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A setup that records when it starts and ends, and finishes after `ms`. */
function recorded(log: string[], name: string, ms: number, fail = false) {
  return async () => {
    log.push(`start ${name}`);
    await sleep(ms);
    log.push(`end ${name}`);
    if (fail) throw new Error(`${name} failed`);
    return name;
  };
}

test('runs setups one at a time, in the order they came', async () => {
  const gate = new SetupGate();
  const log: string[] = [];
  const results = await Promise.all([
    gate.run(recorded(log, 'a', 30)),
    gate.run(recorded(log, 'b', 10)),
    gate.run(recorded(log, 'c', 5)),
  ]);
  assert.deepEqual(results, ['a', 'b', 'c']);
  assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  assert.equal(gate.queued, 0);
});

test('a failed setup rejects its caller and lets the next one through', async () => {
  const gate = new SetupGate();
  const log: string[] = [];
  const failing = gate.run(recorded(log, 'a', 10, true));
  const next = gate.run(recorded(log, 'b', 5));
  await assert.rejects(failing, /a failed/);
  assert.equal(await next, 'b');
  assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b']);
});

test('a setup that hangs past the hold limit lets the next one start, and its late end frees no extra place', async () => {
  const gate = new SetupGate(1, 40);
  const log: string[] = [];
  const hung = gate.run(recorded(log, 'hung', 100));
  const b = gate.run(recorded(log, 'b', 20));
  await sleep(50);
  assert.deepEqual(log, ['start hung', 'start b'], 'b starts once the hold limit passes');
  await Promise.all([hung, b]);
  // Had the late end given back a second place, these two would run side by side.
  log.length = 0;
  await Promise.all([gate.run(recorded(log, 'c', 10)), gate.run(recorded(log, 'd', 10))]);
  assert.deepEqual(log, ['start c', 'end c', 'start d', 'end d']);
});

test('a gate of two runs two at once and no more', async () => {
  const gate = new SetupGate(2);
  let running = 0;
  let most = 0;
  const setup = async () => {
    running += 1;
    most = Math.max(most, running);
    await sleep(15);
    running -= 1;
  };
  await Promise.all(Array.from({ length: 6 }, () => gate.run(setup)));
  assert.equal(most, 2);
});
