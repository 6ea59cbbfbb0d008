export interface EngineHealthOptions {
  /** Failures in a row after which the engine is skipped. Default 3. */
  failureThreshold?: number;
  /** How long a failing engine is skipped before one trial request. Default 60 000. */
  cooldownMs?: number;
  /** Milliseconds on any monotonic scale; injected in tests. Default `performance.now`. */
  now?: () => number;
}

export const ENGINE_HEALTH_DEFAULTS = {
  failureThreshold: 3,
  cooldownMs: 60_000,
} as const satisfies Required<Omit<EngineHealthOptions, 'now'>>;

/**
 * A small circuit breaker for one engine: closed while it works; open (skipped) for `cooldownMs` after
 * `failureThreshold` failures in a row; then half-open, letting exactly one request through as a trial,
 * whose success closes it and whose failure opens it for another cool-down.
 */
export class EngineHealth {
  private readonly failureThreshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private failures = 0;
  private openUntil: number | undefined;
  private trialInFlight = false;

  constructor(options: EngineHealthOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? ENGINE_HEALTH_DEFAULTS.failureThreshold;
    this.cooldownMs = options.cooldownMs ?? ENGINE_HEALTH_DEFAULTS.cooldownMs;
    this.now = options.now ?? (() => performance.now());
    if (!Number.isInteger(this.failureThreshold) || this.failureThreshold < 1)
      throw new RangeError('failureThreshold must be a whole number of at least 1');
    if (!(this.cooldownMs >= 0)) throw new RangeError('cooldownMs must not be negative');
  }

  /** False while the engine is skipped: open and cooling down, or its one trial request is under way. */
  get healthy(): boolean {
    if (this.openUntil === undefined) return true;
    return !this.trialInFlight && this.now() >= this.openUntil;
  }

  /**
   * Asks to send a request; false means skip the engine. After the cool-down the first caller gets the trial
   * and everyone else is refused until it has reported.
   */
  tryAcquire(): boolean {
    if (this.openUntil === undefined) return true;
    if (this.trialInFlight || this.now() < this.openUntil) return false;
    this.trialInFlight = true;
    return true;
  }

  succeeded(): void {
    this.failures = 0;
    this.openUntil = undefined;
    this.trialInFlight = false;
  }

  failed(): void {
    this.failures += 1;
    if (this.trialInFlight || this.failures >= this.failureThreshold) this.openUntil = this.now() + this.cooldownMs;
    this.trialInFlight = false;
  }

  /** A request that says nothing about the engine (cancelled, or input it cannot speak): frees a trial slot. */
  released(): void {
    this.trialInFlight = false;
  }
}
