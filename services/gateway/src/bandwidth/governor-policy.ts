/** How far the governor has reined in guests' video. */
export enum GovernorLevel {
  /** Guests may publish cameras. */
  Open = 0,
  /** Egress is high: new guests get no camera, and pages are asked to lower their video bitrate. */
  Limited = 1,
  /** Egress is at the limit: every guest camera is muted by the server and no new guest is admitted. */
  Paused = 2,
}

export interface GovernorPolicyOptions {
  capBps: number;
  /** Share of the cap at which new cameras stop (default 0.7). */
  limitRatio?: number;
  /** Share of the cap the governor keeps egress under (default 0.85). */
  pauseRatio?: number;
  /** Share of the cap below which limits are lifted (default 0.5). */
  openRatio?: number;
  /** How long room must last before a step back (default 10 000 ms). */
  holdMs?: number;
  /** Cost of one viewer of one camera when it cannot be measured (default 300 000 bit/s). */
  fallbackViewerBps?: number;
  /** How long after a pause egress has settled enough to measure what the video cost (default 15 000 ms). */
  settleMs?: number;
}

export interface GovernorSample {
  nowMs: number;
  egressBps: number;
  /** Camera tracks times the guests who would receive each: what resuming video would add. */
  videoViewers: number;
}

/**
 * The governor's decisions, free of I/O. Steps up at once when egress crosses a line; steps back only after
 * the room has lasted `holdMs`, and resumes paused video only if egress plus what that video cost before it was
 * paused (per viewer, measured at the pause) stays under the limit line — so guests leaving is what lets it
 * back, not the pause itself.
 */
export class GovernorPolicy {
  level = GovernorLevel.Open;
  private readonly limitBps: number;
  private readonly pauseBps: number;
  private readonly openBps: number;
  private readonly holdMs: number;
  private readonly fallbackViewerBps: number;
  private calmSinceMs: number | undefined;
  private pausedAt: { atMs: number; egressBps: number; viewers: number } | undefined;
  private readonly settleMs: number;
  /** Measured cost of one camera viewer, from the drop in egress when video was paused. */
  viewerBps: number;

  constructor(options: GovernorPolicyOptions) {
    this.limitBps = options.capBps * (options.limitRatio ?? 0.7);
    this.pauseBps = options.capBps * (options.pauseRatio ?? 0.85);
    this.openBps = options.capBps * (options.openRatio ?? 0.5);
    this.holdMs = options.holdMs ?? 10_000;
    this.fallbackViewerBps = options.fallbackViewerBps ?? 300_000;
    this.viewerBps = this.fallbackViewerBps;
    this.settleMs = options.settleMs ?? 15_000;
  }

  /**
   * A restarted governor found cameras it had muted: video is still paused, and comes back by the usual rule,
   * with the fallback cost per viewer (what the video cost before the pause was not seen by this process).
   */
  restorePaused(): void {
    this.level = GovernorLevel.Paused;
    this.calmSinceMs = undefined;
  }

  /** The level after this sample. */
  update(sample: GovernorSample): GovernorLevel {
    if (this.pausedAt && sample.nowMs - this.pausedAt.atMs >= this.settleMs) this.learnViewerCost(sample);
    if (sample.egressBps >= this.pauseBps && this.level !== GovernorLevel.Paused) {
      this.pausedAt = { atMs: sample.nowMs, egressBps: sample.egressBps, viewers: sample.videoViewers };
      return this.enter(GovernorLevel.Paused);
    }
    if (sample.egressBps >= this.limitBps && this.level === GovernorLevel.Open)
      return this.enter(GovernorLevel.Limited);
    const calm =
      this.level === GovernorLevel.Paused
        ? sample.egressBps + this.viewerBps * sample.videoViewers < this.limitBps
        : this.level === GovernorLevel.Limited && sample.egressBps < this.openBps;
    if (!calm) {
      this.calmSinceMs = undefined;
      return this.level;
    }
    this.calmSinceMs ??= sample.nowMs;
    if (sample.nowMs - this.calmSinceMs < this.holdMs) return this.level;
    return this.enter(this.level === GovernorLevel.Paused ? GovernorLevel.Limited : GovernorLevel.Open);
  }

  /** Whether one more guest (costing `guestBps` of egress) fits under the line the governor keeps. */
  admits(egressBps: number, guestBps: number): boolean {
    return this.level !== GovernorLevel.Paused && egressBps + guestBps < this.pauseBps;
  }

  /** Egress readings are averages over several seconds, so the saving is read once they have settled. */
  private learnViewerCost(sample: GovernorSample): void {
    const at = this.pausedAt!;
    this.pausedAt = undefined;
    const saved = at.egressBps - sample.egressBps;
    this.viewerBps = at.viewers > 0 && saved > 0 ? saved / at.viewers : this.fallbackViewerBps;
  }

  private enter(level: GovernorLevel): GovernorLevel {
    this.level = level;
    this.calmSinceMs = undefined;
    return level;
  }
}
