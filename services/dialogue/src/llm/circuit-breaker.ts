export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  threshold: number;
  /** How long the circuit stays open before one trial is let through. */
  cooldownMs: number;
  now?: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

/**
 * Stops calling a provider that keeps failing, so guests hear the apology at once instead of after every
 * retry and time-out: closed -> (threshold consecutive failures) -> open -> (cooldown) -> half-open, where a
 * single trial decides between closed and open again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private mode: CircuitState = 'closed';
  private trialInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    return this.mode;
  }

  /** Whether a call may go ahead now; in half-open state only the one trial may. */
  tryAcquire(): boolean {
    if (this.mode === 'closed') return true;
    if (this.mode === 'open') {
      if (this.now() - this.openedAt < this.options.cooldownMs) return false;
      this.mode = 'half_open';
    }
    if (this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.trialInFlight = false;
    this.mode = 'closed';
  }

  recordFailure(): void {
    this.trialInFlight = false;
    this.failures += 1;
    if (this.mode === 'half_open' || this.failures >= this.options.threshold) {
      this.mode = 'open';
      this.openedAt = this.now();
    }
  }

  /** The call ended without a verdict (the caller gave up): let the next call be the trial. */
  recordAbandoned(): void {
    this.trialInFlight = false;
  }
}
