import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { LoopLag } from './service-metrics.js';

/**
 * This process's own event loop delay (the guests' clients live here): how late, at worst, a frame's arrival
 * time is taken, and so a bound on what the bench adds to what it measures.
 */
export class OwnLoopDelay {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.histogram.enable();
  }

  stop(): LoopLag {
    this.histogram.disable();
    return { p99Ms: this.histogram.percentile(99) / 1e6, maxMs: this.histogram.max / 1e6 };
  }
}
