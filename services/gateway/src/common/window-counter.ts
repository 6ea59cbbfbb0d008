/**
 * At most `limit` hits per fixed window of `windowMs`, in memory: for limits that belong to one connection
 * and end with it.
 */
export class WindowCounter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private count = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts a hit; false when it is over the limit (such hits are not counted). */
  hit(now: number = Date.now()): boolean {
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.count = 0;
    }
    if (this.count >= this.limit) return false;
    this.count += 1;
    return true;
  }
}
