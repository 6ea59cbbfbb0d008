/**
 * Lets one room setup (a LiveKit join, a WebRTC negotiation) run at a time in this process.
 *
 * Measured with rtc-node 1.1.0 (one process, ten rooms, a 48 kHz voice out and a 16 kHz mic in each):
 * ten joins one after another leave the process at 100–106 MB RSS; the same ten joined at once leave it
 * at 134–186 MB, and glibc never hands that back. Two at a time gives ~110 MB, three ~130 MB. A join on
 * its own takes 0.3–0.5 s and ten at once take ~2.5 s in all, so queueing them costs little time.
 *
 * A setup that hangs holds its place for `holdLimitMs` at most; then the next one may start while the
 * first one goes on (its own timeout ends it).
 */
export class SetupGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency = 1,
    private readonly holdLimitMs = 15_000,
  ) {}

  /** Setups waiting for a place. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(setup: () => Promise<T>): Promise<T> {
    await this.acquire();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      clearTimeout(holdTimer);
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    };
    const holdTimer = setTimeout(release, this.holdLimitMs);
    holdTimer.unref();
    try {
      return await setup();
    } finally {
      release();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running += 1;
      return Promise.resolve();
    }
    // The place passes straight from the releasing setup to this one, so `running` stays as it is.
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }
}
