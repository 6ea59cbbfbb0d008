import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  type AgentState,
  type AvatarFrame,
  AvatarAnimator,
  imageFor,
  levelFromRms,
  MouthFollower,
  parseAgentState,
  smoothLevel,
  syntheticLevel,
} from './avatar-state.js';

const FRAME_MS = 16;

/** Steps the animator at 60 fps from `fromMs` to `toMs`; returns every frame. */
function run(
  animator: AvatarAnimator,
  state: AgentState,
  level: number | ((t: number) => number),
  fromMs: number,
  toMs: number,
): AvatarFrame[] {
  const frames: AvatarFrame[] = [];
  for (let t = fromMs; t <= toMs; t += FRAME_MS) {
    frames.push(animator.step(state, typeof level === 'number' ? level : level(t), t));
  }
  return frames;
}

const last = (frames: AvatarFrame[]): AvatarFrame => frames[frames.length - 1]!;
/** A seeded generator, so blink schedules repeat exactly. */
function seeded(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

describe('parseAgentState', () => {
  test('keeps the five states of lk.agent.state', () => {
    for (const state of ['initializing', 'idle', 'listening', 'thinking', 'speaking'] as const) {
      assert.equal(parseAgentState(state), state);
    }
  });

  test('absent or unknown means the avatar has not arrived yet', () => {
    assert.equal(parseAgentState(undefined), 'initializing');
    assert.equal(parseAgentState(''), 'initializing');
    assert.equal(parseAgentState('dancing'), 'initializing');
  });
});

describe('voice level', () => {
  test('RMS maps linearly in decibels: -60 dBFS is 0, 0 dBFS is 1', () => {
    assert.equal(levelFromRms(0), 0);
    assert.equal(levelFromRms(0.001), 0);
    assert.equal(levelFromRms(1), 1);
    assert.ok(Math.abs(levelFromRms(0.0316) - 0.5) < 0.01, '-30 dBFS is halfway');
  });

  test('the mouth opens faster than it closes', () => {
    const opened = smoothLevel(0, 1, 50);
    const closed = smoothLevel(1, 0, 50);
    assert.ok(opened > 0.6, `opened to ${opened}`);
    assert.ok(1 - closed < opened, `closed by ${1 - closed}, opened by ${opened}`);
  });

  test('hiss below -50 dBFS keeps the mouth shut', () => {
    const mouth = new MouthFollower();
    for (let i = 0; i < 100; i += 1) assert.equal(mouth.open(levelFromRms(0.002), FRAME_MS), 0);
  });

  test('quiet and loud playback both move the mouth through its range, syllable by syllable', () => {
    for (const base of [0.45, 0.7]) {
      const mouth = new MouthFollower();
      const opens: number[] = [];
      for (let i = 0; i < 300; i += 1) {
        const syllable = Math.abs(Math.sin((i * FRAME_MS) / 90));
        opens.push(mouth.open(base + 0.35 * syllable, FRAME_MS));
      }
      const settled = opens.slice(60);
      assert.ok(Math.max(...settled) > 0.9, `base ${base}: opens wide`);
      assert.ok(Math.min(...settled) < 0.2, `base ${base}: closes between syllables`);
    }
  });

  test('the synthetic voice of text-only mode opens and closes the mouth', () => {
    const animator = new AvatarAnimator({ random: seeded(10) });
    const frames = run(animator, 'speaking', syntheticLevel, 0, 5000).slice(30);
    assert.ok(Math.min(...frames.map((f) => f.mouthOpen)) < 0.15);
    assert.ok(Math.max(...frames.map((f) => f.mouthOpen)) > 0.7);
  });
});

describe('AvatarAnimator', () => {
  test('the mouth follows the voice while speaking and closes in silence', () => {
    const animator = new AvatarAnimator({ random: seeded(1) });
    const loud = last(run(animator, 'speaking', 0.9, 0, 300));
    assert.ok(loud.mouthOpen > 0.8, `open ${loud.mouthOpen}`);
    const quiet = last(run(animator, 'speaking', 0, 316, 900));
    assert.ok(quiet.mouthOpen < 0.05, `closed ${quiet.mouthOpen}`);
  });

  test('a rising voice opens the mouth within a few frames', () => {
    const animator = new AvatarAnimator({ random: seeded(2) });
    run(animator, 'speaking', 0, 0, 200);
    const frames = run(animator, 'speaking', 0.8, 216, 216 + 5 * FRAME_MS);
    assert.ok(last(frames).mouthOpen > 0.5, `open ${last(frames).mouthOpen}`);
  });

  test('it blinks every few seconds and opens its eyes again', () => {
    const animator = new AvatarAnimator({ random: seeded(3) });
    const frames = run(animator, 'idle', 0, 0, 15_000);
    const blinks = frames.filter((frame, i) => frame.eyeOpen < 0.3 && (frames[i - 1]?.eyeOpen ?? 1) >= 0.3);
    assert.ok(blinks.length >= 2 && blinks.length <= 12, `${blinks.length} blinks in 15 s`);
    assert.ok(last(frames).eyeOpen > 0.9 || frames.slice(-20).some((frame) => frame.eyeOpen > 0.9));
  });

  test('a long pause does not replay missed blinks', () => {
    const animator = new AvatarAnimator({ random: seeded(4) });
    run(animator, 'idle', 0, 0, 1000);
    const after = run(animator, 'idle', 0, 60_000, 60_000 + 10 * FRAME_MS);
    const shut = after.filter((frame) => frame.eyeOpen < 0.3).length;
    assert.ok(shut <= 10, `${shut} shut frames right after the pause`);
  });

  test('thinking looks up and shows the dots; listening does not', () => {
    const animator = new AvatarAnimator({ random: seeded(5) });
    const thinking = last(run(animator, 'thinking', 0, 0, 1500));
    assert.ok(thinking.lookY < -0.5, `looks up: ${thinking.lookY}`);
    assert.ok(thinking.dots.some((dot) => dot > 0.5));
    const listening = last(run(animator, 'listening', 0, 1516, 3000));
    assert.ok(Math.abs(listening.lookY) < 0.1, `looks at the guest: ${listening.lookY}`);
    assert.deepEqual(listening.dots, [0, 0, 0]);
    assert.ok(listening.brow > 0.3, 'raised brows while listening');
    assert.ok(listening.armRight > 20, 'a hand to its ear while listening');
  });

  test('the states look different from each other', () => {
    const looks = new Map<AgentState, AvatarFrame>();
    for (const state of ['initializing', 'listening', 'thinking', 'speaking'] as const) {
      looks.set(state, last(run(new AvatarAnimator({ random: seeded(6) }), state, 0, 0, 2000)));
    }
    const key = (f: AvatarFrame) =>
      [f.eyeOpen > 0.5, f.lookY < -0.4, f.armRight > 20, f.armLeft > 20, f.sleep > 0.5].join();
    assert.equal(new Set([...looks.values()].map(key)).size, looks.size);
  });

  test('arriving, it dozes with closed eyes and never blinks', () => {
    const animator = new AvatarAnimator({ random: seeded(7) });
    const frames = run(animator, 'initializing', 0, 0, 8000).slice(60);
    assert.ok(frames.every((frame) => frame.eyeOpen < 0.1));
    assert.ok(last(frames).sleep > 0.9);
  });

  test('it breathes, unless the guest prefers reduced motion', () => {
    const moving = run(new AvatarAnimator({ random: seeded(8) }), 'idle', 0, 0, 4000);
    const ys = moving.map((frame) => frame.bodyY);
    assert.ok(Math.max(...ys) - Math.min(...ys) > 2, 'breathing moves the body');
    const still = run(new AvatarAnimator({ random: seeded(8), reducedMotion: true }), 'speaking', 0.8, 0, 4000);
    assert.ok(still.every((frame) => frame.bodyY === 0 && frame.bodyScaleY === 1 && frame.sway === 0));
    assert.ok(last(still).mouthOpen > 0.8, 'the mouth still follows the voice');
  });
});

describe('imageFor (owner images)', () => {
  const base = last(run(new AvatarAnimator({ random: seeded(9) }), 'idle', 0, 0, 500));

  test('mouth images follow the mouth, and the blink image shows only with the mouth closed', () => {
    assert.equal(imageFor({ ...base, mouthOpen: 0, eyeOpen: 1 }), 'idle');
    assert.equal(imageFor({ ...base, mouthOpen: 0.3, eyeOpen: 1 }), 'mouthHalf');
    assert.equal(imageFor({ ...base, mouthOpen: 0.9, eyeOpen: 1 }), 'mouthOpen');
    assert.equal(imageFor({ ...base, mouthOpen: 0, eyeOpen: 0.1 }), 'blink');
    assert.equal(imageFor({ ...base, mouthOpen: 0.9, eyeOpen: 0.1 }), 'mouthOpen');
  });
});
