import assert from 'node:assert/strict';
import { test } from 'node:test';
import { projectTraffic } from './traffic-projection.js';

const DAY = 86_400_000;
const period = { key: '2026-11-01', startMs: 0, endMs: 30 * DAY };

test('ten days in at 6 GB a day: 180 GB projected, and a 300 GB budget lasts past the month', () => {
  const p = projectTraffic(60e9, 300e9, period, 10 * DAY);
  assert.equal(Math.round(p.projectedBytes), 180e9);
  assert.equal(p.exhaustedAtMs, 50 * DAY);
});

test('at 15 GB a day a 300 GB budget runs out on day 20', () => {
  const p = projectTraffic(150e9, 300e9, period, 10 * DAY);
  assert.equal(Math.round(p.projectedBytes), 450e9);
  assert.equal(p.exhaustedAtMs, 20 * DAY);
});

test('already over budget: exhausted now; nothing sent: no exhaustion date', () => {
  assert.equal(projectTraffic(310e9, 300e9, period, 10 * DAY).exhaustedAtMs, 10 * DAY);
  const idle = projectTraffic(0, 300e9, period, 10 * DAY);
  assert.equal(idle.exhaustedAtMs, undefined);
  assert.equal(idle.projectedBytes, 0);
});

test('the first hour counts as an hour: a burst at the start does not predict the month', () => {
  const p = projectTraffic(1e9, 300e9, period, 60_000);
  assert.equal(Math.round(p.projectedBytes), Math.round(1e9 + (1e9 / 3_600_000) * (30 * DAY - 60_000)));
});
