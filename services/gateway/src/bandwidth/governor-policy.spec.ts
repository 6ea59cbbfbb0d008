import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GovernorLevel, GovernorPolicy } from './governor-policy.js';

const CAP = 1_500_000;
const policy = () => new GovernorPolicy({ capBps: CAP, holdMs: 10_000 });

test('open below 70 % of the cap, limited above it, paused at 85 %', () => {
  const p = policy();
  assert.equal(p.update({ nowMs: 0, egressBps: 1_000_000, videoViewers: 2 }), GovernorLevel.Open);
  assert.equal(p.update({ nowMs: 2_000, egressBps: 1_100_000, videoViewers: 2 }), GovernorLevel.Limited);
  assert.equal(p.update({ nowMs: 4_000, egressBps: 1_300_000, videoViewers: 2 }), GovernorLevel.Paused);
});

test('straight to paused when egress jumps past 85 %', () => {
  const p = policy();
  assert.equal(p.update({ nowMs: 0, egressBps: 2_400_000, videoViewers: 6 }), GovernorLevel.Paused);
});

test('paused video stays paused while the same guests are there, and comes back after they leave', () => {
  const p = policy();
  p.update({ nowMs: 0, egressBps: 2_400_000, videoViewers: 6 }); // 6 viewers of 400 kbit/s video
  // Paused: only voice is left. Resuming would bring back 6 x 390 kbit/s, so it must not.
  for (let t = 2_000; t <= 30_000; t += 2_000) {
    assert.equal(p.update({ nowMs: t, egressBps: 60_000, videoViewers: 6 }), GovernorLevel.Paused, `at ${t} ms`);
  }
  assert.equal(Math.round(p.viewerBps), 390_000, 'learned from the drop once egress settled after the pause');
  // Two of three guests leave: one camera, nobody else to watch it.
  assert.equal(p.update({ nowMs: 32_000, egressBps: 20_000, videoViewers: 0 }), GovernorLevel.Paused, 'not at once');
  assert.equal(p.update({ nowMs: 40_000, egressBps: 20_000, videoViewers: 0 }), GovernorLevel.Paused);
  assert.equal(p.update({ nowMs: 42_000, egressBps: 20_000, videoViewers: 0 }), GovernorLevel.Limited, 'after 10 s');
  assert.equal(p.update({ nowMs: 44_000, egressBps: 20_000, videoViewers: 0 }), GovernorLevel.Limited);
  assert.equal(p.update({ nowMs: 54_000, egressBps: 20_000, videoViewers: 0 }), GovernorLevel.Open, 'cameras again');
});

test('restored after a restart: still paused, and video back by the usual rule at the fallback cost', () => {
  const p = policy();
  p.restorePaused();
  assert.equal(p.level, GovernorLevel.Paused);
  // 2 viewers x 300 kbit/s (fallback) on top of 500 kbit/s would pass 70 %: stays paused.
  for (let t = 0; t <= 20_000; t += 2_000)
    assert.equal(p.update({ nowMs: t, egressBps: 500_000, videoViewers: 2 }), GovernorLevel.Paused);
  // One viewer left: 800 kbit/s fits under 1 050, after the hold.
  assert.equal(p.update({ nowMs: 22_000, egressBps: 500_000, videoViewers: 1 }), GovernorLevel.Paused);
  assert.equal(p.update({ nowMs: 32_000, egressBps: 500_000, videoViewers: 1 }), GovernorLevel.Limited);
});

test('a moment of calm that ends restarts the hold', () => {
  const p = policy();
  p.update({ nowMs: 0, egressBps: 1_100_000, videoViewers: 0 });
  assert.equal(p.level, GovernorLevel.Limited);
  p.update({ nowMs: 2_000, egressBps: 500_000, videoViewers: 0 });
  p.update({ nowMs: 8_000, egressBps: 900_000, videoViewers: 0 }); // between 50 % and 70 %: not calm
  assert.equal(p.update({ nowMs: 13_000, egressBps: 500_000, videoViewers: 0 }), GovernorLevel.Limited);
  assert.equal(p.update({ nowMs: 23_000, egressBps: 500_000, videoViewers: 0 }), GovernorLevel.Open);
});

test('admission: nobody while paused, and nobody whose voice would push egress past 85 %', () => {
  const p = policy();
  assert.equal(p.admits(1_000_000, 48_000), true);
  assert.equal(p.admits(1_250_000, 48_000), false, '1.298 Mbit/s is past 1.275');
  p.update({ nowMs: 0, egressBps: 2_000_000, videoViewers: 2 });
  assert.equal(p.admits(0, 48_000), false);
});
