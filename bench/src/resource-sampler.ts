/** Reads one figure now (MB of RSS, say); NaN when there is nothing to read. */
export type Probe = () => number;

/**
 * Samples named probes every `intervalMs` (default 500) and keeps the peak of each, and of their sum taken at
 * the same moment, per phase. The sum's peak is the machine's worst moment, not the sum of separate peaks.
 */
export class ResourceSampler {
  private readonly peaks = new Map<string, Record<string, number>>();
  private current: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly probes: Record<string, Probe>,
    private readonly intervalMs = 500,
  ) {}

  /** Samples from now on count toward `phase` (one sample is taken at once); undefined pauses. */
  phase(phase: string | undefined): void {
    this.current = phase;
    this.timer ??= setInterval(() => this.sample(), this.intervalMs);
    this.sample();
  }

  /** Peak per probe and `total` in `phase`; NaN for a probe that never read. */
  peak(phase: string): Record<string, number> {
    return { ...(this.peaks.get(phase) ?? {}) };
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
    this.timer = undefined;
    this.current = undefined;
  }

  private sample(): void {
    if (this.current === undefined) return;
    const peaks = this.peaks.get(this.current) ?? {};
    let total = 0;
    for (const [name, probe] of Object.entries(this.probes)) {
      const value = probe();
      if (Number.isNaN(value)) continue;
      total += value;
      peaks[name] = Math.max(peaks[name] ?? 0, value);
    }
    peaks.total = Math.max(peaks.total ?? 0, total);
    this.peaks.set(this.current, peaks);
  }
}
