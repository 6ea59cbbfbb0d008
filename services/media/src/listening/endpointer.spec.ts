import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type EndpointEvent, Endpointer } from './endpointer.js';

const WINDOW = 512;
const RATE = 16_000;
const WINDOW_MS = 32;

/** Feeds `ms` of windows at probability `p`, each window filled with `value` so the audio can be traced. */
function feed(endpointer: Endpointer, ms: number, p: number, value = 0): EndpointEvent[] {
  const events: EndpointEvent[] = [];
  for (let t = 0; t < ms; t += WINDOW_MS) events.push(...endpointer.push(new Int16Array(WINDOW).fill(value), p));
  return events;
}

const types = (events: EndpointEvent[]) => events.map((event) => event.type);

test('silence and low probabilities start nothing', () => {
  const endpointer = new Endpointer(WINDOW, RATE);
  assert.deepEqual(feed(endpointer, 5_000, 0.1), []);
  assert.deepEqual(feed(endpointer, 5_000, 0.49), []);
  assert.equal(endpointer.active, false);
});

test('speech then 500 ms of silence: started, then one last segment with pre-roll and a short tail', () => {
  const endpointer = new Endpointer(WINDOW, RATE);
  feed(endpointer, 1_000, 0.05, 1);
  const speech = feed(endpointer, 640, 0.9, 2);
  assert.deepEqual(types(speech), ['speech_started']);
  const end = feed(endpointer, 640, 0.05, 3);
  assert.deepEqual(types(end), ['segment']);
  const segment = end[0] as Extract<EndpointEvent, { type: 'segment' }>;
  assert.equal(segment.last, true);
  assert.equal(segment.voicedMs, 640);
  const values = Array.from(new Set(segment.audio));
  assert.deepEqual(values, [1, 2, 3], 'pre-roll, speech, tail in that order');
  const preRoll = segment.audio.filter((v) => v === 1).length / WINDOW;
  const tail = segment.audio.filter((v) => v === 3).length / WINDOW;
  assert.ok(preRoll >= 5 && preRoll <= 7, `pre-roll windows: ${preRoll}`);
  assert.ok(tail >= 4 && tail <= 6, `tail windows: ${tail}`);
  assert.equal(endpointer.active, false);
});

test('a short blip is dropped, and a pause shorter than the end silence does not split speech', () => {
  const endpointer = new Endpointer(WINDOW, RATE);
  const blip = [...feed(endpointer, 160, 0.9), ...feed(endpointer, 600, 0.05)];
  assert.deepEqual(types(blip), ['blip']);

  const speech = [
    ...feed(endpointer, 400, 0.9),
    ...feed(endpointer, 300, 0.05),
    ...feed(endpointer, 400, 0.9),
    ...feed(endpointer, 600, 0.05),
  ];
  assert.deepEqual(types(speech), ['speech_started', 'segment']);
});

test('once speaking, the lower threshold keeps it going (hysteresis)', () => {
  const endpointer = new Endpointer(WINDOW, RATE);
  const events = [...feed(endpointer, 320, 0.8), ...feed(endpointer, 2_000, 0.4)];
  assert.deepEqual(types(events), ['speech_started'], 'still speaking at 0.4');
  assert.deepEqual(types(feed(endpointer, 600, 0.3)), ['segment']);
});

test('a long monologue is cut at the maximum length into parts, the last one when it ends', () => {
  const endpointer = new Endpointer(WINDOW, RATE, { maxUtteranceMs: 10_000 });
  const events = [...feed(endpointer, 25_000, 0.9), ...feed(endpointer, 600, 0.05)];
  assert.deepEqual(types(events), ['speech_started', 'segment', 'segment', 'segment']);
  const parts = events.filter((e): e is Extract<EndpointEvent, { type: 'segment' }> => e.type === 'segment');
  assert.deepEqual(
    parts.map((p) => p.last),
    [false, false, true],
  );
  for (const part of parts) assert.ok(part.audio.length / RATE <= 10.1, 'no part longer than the maximum');
});

test('flush hands over speech under way, and nothing otherwise', () => {
  const endpointer = new Endpointer(WINDOW, RATE);
  assert.equal(endpointer.flush(), null);
  feed(endpointer, 500, 0.9);
  const event = endpointer.flush();
  assert.equal(event?.type, 'segment');
  assert.equal(endpointer.active, false);
});
