/**
 * What the avatar looks like at a moment: a pure function of the agent's state, the level of its voice and
 * time. No DOM here, so the view (drawn SVG or the owner's images) and the tests share it.
 */

export const AGENT_STATES = ['initializing', 'idle', 'listening', 'thinking', 'speaking'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** `lk.agent.state` as the avatar publishes it; absent or unknown means it has not arrived yet. */
export function parseAgentState(value: string | null | undefined): AgentState {
  return (AGENT_STATES as readonly string[]).includes(value ?? '') ? (value as AgentState) : 'initializing';
}

export interface AvatarFrame {
  state: AgentState;
  /** 0 closed … 1 wide open; follows the smoothed voice level. */
  mouthOpen: number;
  /** Depth of the closed mouth's smile, 0 flat … 1 broad. */
  smile: number;
  /** 0 shut (blink, asleep) … 1 open. */
  eyeOpen: number;
  /** Where the eyes look, -1…1; negative y is up. */
  lookX: number;
  lookY: number;
  /** Brows, -1 low … 1 raised. */
  brow: number;
  /** Head tilt in degrees. */
  tilt: number;
  /** Vertical offset of the body in view units (breathing, bounce); 0 with reduced motion. */
  bodyY: number;
  /** Squash of the body while breathing; 1 with reduced motion. */
  bodyScaleY: number;
  /** Sway of the sprout on its head, degrees. */
  sway: number;
  /** Arms, degrees: left, right (positive lifts outward). */
  armLeft: number;
  armRight: number;
  /** Opacity of the three thinking dots. */
  dots: readonly [number, number, number];
  /** Opacity of the sleepy "z" while the avatar is arriving. */
  sleep: number;
  /** Cheek glow, 0…1. */
  blush: number;
}

export interface AvatarAnimatorOptions {
  /** Randomness of the blink schedule; injected so tests are deterministic. Default Math.random. */
  random?: () => number;
  /** prefers-reduced-motion: no breathing bounce, no sway, no nodding; the mouth still follows the voice. */
  reducedMotion?: boolean;
}

/** The look each state aims at; the animator eases towards it. */
interface Look {
  eyeOpen: number;
  lookX: number;
  lookY: number;
  brow: number;
  tilt: number;
  smile: number;
  armLeft: number;
  armRight: number;
  blush: number;
  sleep: number;
}

const LOOKS: Record<AgentState, Look> = {
  initializing: {
    eyeOpen: 0,
    lookX: 0,
    lookY: 0.4,
    brow: -0.3,
    tilt: -4,
    smile: 0.35,
    armLeft: 0,
    armRight: 0,
    blush: 0.3,
    sleep: 1,
  },
  idle: {
    eyeOpen: 1,
    lookX: 0,
    lookY: 0,
    brow: 0,
    tilt: 0,
    smile: 0.8,
    armLeft: 0,
    armRight: 0,
    blush: 0.5,
    sleep: 0,
  },
  listening: {
    eyeOpen: 1,
    lookX: 0,
    lookY: 0,
    brow: 0.45,
    tilt: 6,
    smile: 0.6,
    armLeft: 0,
    armRight: 38,
    blush: 0.6,
    sleep: 0,
  },
  thinking: {
    eyeOpen: 0.9,
    lookX: 0.6,
    lookY: -0.85,
    brow: 0.7,
    tilt: -5,
    smile: 0.2,
    armLeft: 30,
    armRight: 0,
    blush: 0.45,
    sleep: 0,
  },
  speaking: {
    eyeOpen: 1,
    lookX: 0,
    lookY: 0,
    brow: 0.2,
    tilt: 0,
    smile: 0.9,
    armLeft: 10,
    armRight: 10,
    blush: 0.8,
    sleep: 0,
  },
};

/** Time constants of the easing, ms: the mouth opens fast and closes a little slower, like speech. */
const MOUTH_ATTACK_MS = 30;
const MOUTH_RELEASE_MS = 70;
const LOOK_EASE_MS = 180;
/** Loudness scale of `levelFromRms`: 0 at -60 dBFS, 1 at 0 dBFS, linear in decibels. */
const DB_FLOOR = -60;
/** Below -50 dBFS the voice is treated as silence, so line noise does not twitch the mouth. */
const NOISE_GATE = (-50 - DB_FLOOR) / -DB_FLOOR;
/**
 * The mouth spans the 18 dB below the recent peak of the voice: speech moves it syllable by syllable whatever
 * the playback volume. The peak falls back 6 dB per second and never below -33 dBFS (quiet hiss stays shut).
 */
const MOUTH_RANGE = 18 / -DB_FLOOR;
const PEAK_DECAY_PER_MS = 6 / -DB_FLOOR / 1000;
const PEAK_FLOOR = (-33 - DB_FLOOR) / -DB_FLOOR;
const BREATH_PERIOD_MS = 3800;
const BLINK_MS = 160;
/** A hidden tab resumes without a jump. */
const MAX_STEP_MS = 100;

export const clamp01 = (value: number): number => Math.min(1, Math.max(0, value));

/** Moves `current` towards `target`, as an exponential with time constant `tauMs`. */
export function ease(current: number, target: number, dtMs: number, tauMs: number): number {
  if (dtMs <= 0) return current;
  return current + (target - current) * (1 - Math.exp(-dtMs / tauMs));
}

/** Smooths the mouth's opening: fast attack, slower release. */
export function smoothLevel(previous: number, target: number, dtMs: number): number {
  return ease(previous, clamp01(target), dtMs, target > previous ? MOUTH_ATTACK_MS : MOUTH_RELEASE_MS);
}

/** Loudness 0…1 from the RMS of samples in -1…1, linear in decibels from -60 dBFS (0) to 0 dBFS (1). */
export function levelFromRms(rms: number): number {
  if (!(rms > 0)) return 0;
  return clamp01((20 * Math.log10(rms) - DB_FLOOR) / -DB_FLOOR);
}

/**
 * A plausible voice level for speech without audio (text-only mode), on the scale of `levelFromRms`:
 * syllable-like bursts between about -36 and -12 dBFS, so the mouth moves while the answer appears.
 */
export function syntheticLevel(tMs: number): number {
  // A half-wave: syllables with short gaps between them, as in speech.
  const syllable = Math.max(0, Math.sin(tMs / 70));
  const phrase = 0.7 + 0.3 * Math.sin(tMs / 410);
  return 0.4 + 0.4 * syllable * phrase;
}

/**
 * How open the mouth should be for a loudness: relative to the recent peak, so quiet and loud playback
 * both move it through its range. Keeps the peak between calls.
 */
export class MouthFollower {
  private peak = PEAK_FLOOR;

  open(level: number, dtMs: number): number {
    if (level < NOISE_GATE) {
      this.peak = Math.max(PEAK_FLOOR, this.peak - PEAK_DECAY_PER_MS * dtMs);
      return 0;
    }
    this.peak = Math.max(level, PEAK_FLOOR, this.peak - PEAK_DECAY_PER_MS * dtMs);
    return clamp01((level - (this.peak - MOUTH_RANGE)) / MOUTH_RANGE);
  }
}

/** One of the owner's four images for a frame: the mouth matters more than a blink. */
export type AvatarImageKey = 'idle' | 'mouthHalf' | 'mouthOpen' | 'blink';

export function imageFor(frame: AvatarFrame): AvatarImageKey {
  if (frame.mouthOpen > 0.55) return 'mouthOpen';
  if (frame.mouthOpen > 0.2) return 'mouthHalf';
  if (frame.eyeOpen < 0.35) return 'blink';
  return 'idle';
}

/** Steps the avatar's look through time. One instance per avatar on screen. */
export class AvatarAnimator {
  private readonly random: () => number;
  private readonly reducedMotion: boolean;
  private lastMs: number | null = null;
  private level = 0;
  private readonly mouth = new MouthFollower();
  private look: Look = LOOKS.initializing;
  private nextBlinkMs: number | null = null;
  private blinkStartMs = -Infinity;

  constructor(options: AvatarAnimatorOptions = {}) {
    this.random = options.random ?? Math.random;
    this.reducedMotion = options.reducedMotion ?? false;
  }

  /** `rawLevel`: loudness of the avatar's voice on the `levelFromRms` scale; `nowMs`: a monotonic clock. */
  step(state: AgentState, rawLevel: number, nowMs: number): AvatarFrame {
    // The first frame starts in its state's look rather than easing in from nowhere.
    if (this.lastMs === null) this.look = { ...LOOKS[state] };
    const dt = this.lastMs === null ? 0 : Math.min(MAX_STEP_MS, Math.max(0, nowMs - this.lastMs));
    this.lastMs = nowMs;
    this.level = smoothLevel(this.level, this.mouth.open(rawLevel, dt), dt);
    const target = LOOKS[state];
    const easeTo = (from: number, to: number) => (dt === 0 ? from : ease(from, to, dt, LOOK_EASE_MS));
    const look: Look = {
      eyeOpen: easeTo(this.look.eyeOpen, target.eyeOpen),
      lookX: easeTo(this.look.lookX, target.lookX),
      lookY: easeTo(this.look.lookY, target.lookY),
      brow: easeTo(this.look.brow, target.brow),
      tilt: easeTo(this.look.tilt, target.tilt),
      smile: easeTo(this.look.smile, target.smile),
      armLeft: easeTo(this.look.armLeft, target.armLeft),
      armRight: easeTo(this.look.armRight, target.armRight),
      blush: easeTo(this.look.blush, target.blush),
      sleep: easeTo(this.look.sleep, target.sleep),
    };
    this.look = look;

    const motion = this.reducedMotion ? 0 : 1;
    const breath = Math.sin((2 * Math.PI * nowMs) / BREATH_PERIOD_MS);
    const speakingBounce = state === 'speaking' ? this.level : 0;
    // Idle eyes wander a little; reduced motion keeps them still.
    const wanderX = state === 'idle' ? 0.3 * Math.sin(nowMs / 2300) * motion : 0;
    const wanderY = state === 'idle' ? 0.12 * Math.sin(nowMs / 3100) * motion : 0;
    // Listening nods slowly; speaking sways with the voice.
    const nod = state === 'listening' ? 2.5 * Math.sin(nowMs / 700) * motion : 0;
    const talkTilt = state === 'speaking' ? 3 * this.level * Math.sin(nowMs / 260) * motion : 0;
    const armWiggle = state === 'speaking' ? 14 * this.level * Math.sin(nowMs / 180) * motion : 0;

    return {
      state,
      mouthOpen: this.level,
      smile: look.smile,
      eyeOpen: clamp01(look.eyeOpen * this.blinkFactor(state, nowMs)),
      lookX: look.lookX + wanderX,
      lookY: look.lookY + wanderY,
      brow: look.brow + (state === 'speaking' ? 0.35 * this.level : 0),
      tilt: look.tilt + nod + talkTilt,
      bodyY: motion * (1.8 * breath - 3 * speakingBounce),
      bodyScaleY: 1 + motion * (0.012 * breath + 0.02 * speakingBounce),
      sway: motion * (6 * Math.sin(nowMs / 900) + 10 * speakingBounce * Math.sin(nowMs / 150)),
      armLeft: look.armLeft + armWiggle,
      armRight: look.armRight - armWiggle,
      dots: state === 'thinking' ? this.dots(nowMs) : [0, 0, 0],
      sleep: look.sleep,
      blush: look.blush,
    };
  }

  /** 1 with eyes open, dipping to 0 during a blink; every few seconds, sometimes twice in a row. */
  private blinkFactor(state: AgentState, nowMs: number): number {
    if (state === 'initializing') {
      this.nextBlinkMs = null;
      return 1;
    }
    this.nextBlinkMs ??= nowMs + 1200 + this.random() * 2500;
    // After a pause (hidden tab) the missed blinks are skipped, not played back one per frame.
    if (nowMs - this.nextBlinkMs > BLINK_MS) this.nextBlinkMs = nowMs;
    if (nowMs >= this.nextBlinkMs) {
      this.blinkStartMs = this.nextBlinkMs;
      const double = this.random() < 0.2;
      this.nextBlinkMs = this.blinkStartMs + (double ? 320 : 2200 + this.random() * 4000);
    }
    const t = (nowMs - this.blinkStartMs) / BLINK_MS;
    if (t < 0 || t > 1) return 1;
    return Math.abs(1 - 2 * t);
  }

  /** Three dots lighting up one after another; with reduced motion they simply stay lit. */
  private dots(nowMs: number): [number, number, number] {
    if (this.reducedMotion) return [0.9, 0.9, 0.9];
    const phase = (offset: number) => 0.25 + 0.75 * clamp01(Math.sin((nowMs - offset) / 220) * 0.5 + 0.5);
    return [phase(0), phase(220), phase(440)];
  }
}
