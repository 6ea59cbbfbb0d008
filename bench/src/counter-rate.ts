import { fetchSum } from './prometheus-text.js';

/**
 * The rate of a Prometheus counter that moves in steps (LiveKit updates livekit_packet_bytes about every 5 s):
 * polled every `intervalMs`, it is measured from the first step seen to the last, so that neither end of the
 * window counts a part of a step.
 */
export class CounterRate {
  private readonly steps: { at: number; value: number }[] = [];
  private last = Number.NaN;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();

  constructor(
    private readonly url: string,
    private readonly name: string,
    private readonly label = '',
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.polling = this.poll();
    }, this.intervalMs);
    this.polling = this.poll();
  }

  /** Units per second between the first and the last step; NaN with fewer than two steps. */
  async stop(): Promise<number> {
    clearInterval(this.timer);
    await this.polling;
    const first = this.steps[0];
    const last = this.steps.at(-1);
    if (!first || !last || last === first) return Number.NaN;
    return (last.value - first.value) / ((last.at - first.at) / 1000);
  }

  private async poll(): Promise<void> {
    const value = await fetchSum(this.url, this.name, this.label).catch(() => Number.NaN);
    if (Number.isNaN(value)) return;
    // The first reading only tells where the counter was; a step is a change seen after it.
    if (!Number.isNaN(this.last) && value !== this.last) this.steps.push({ at: Date.now(), value });
    this.last = value;
  }
}
