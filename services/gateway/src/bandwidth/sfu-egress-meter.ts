import { httpGetText } from './http-get-text.js';

/** Sum of LiveKit's `livekit_packet_bytes{direction="outgoing"}` in its Prometheus text. */
export function outgoingPacketBytes(text: string): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith('livekit_packet_bytes{') || !line.includes('direction="outgoing"')) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

/**
 * LiveKit's own egress rate, from its Prometheus endpoint: what the SFU forwards to guests (the part the
 * governor can do something about). LiveKit moves the counter in steps every few seconds (5 s measured), so
 * two neighbouring readings say 0 or five times the truth. The rate is taken between the first readings of
 * the steps within `windowMs`; a counter that has not moved for `stallMs` means nothing is being sent. A
 * counter that went down means LiveKit restarted: the steps start again.
 */
export class SfuEgressMeter {
  private steps: { atMs: number; bytes: number }[] = [];

  constructor(
    private readonly url: string,
    private readonly windowMs = 12_000,
    private readonly stallMs = 8_000,
    private readonly timeoutMs = 1_500,
  ) {}

  /** Bits per second; undefined until two steps were seen, after a restart, or with no answer. */
  async sample(nowMs = Date.now()): Promise<number | undefined> {
    let bytes: number | undefined;
    try {
      bytes = outgoingPacketBytes(await httpGetText(this.url, this.timeoutMs));
    } catch {
      bytes = undefined;
    }
    if (bytes === undefined) return undefined;
    return this.add(nowMs, bytes);
  }

  /** Adds a reading and returns the rate (public for tests). */
  add(nowMs: number, bytes: number): number | undefined {
    const newest = this.steps.at(-1);
    if (newest && bytes < newest.bytes) this.steps = [];
    if (!newest || bytes !== newest.bytes || this.steps.length === 0) this.steps.push({ atMs: nowMs, bytes });
    while (this.steps.length > 2 && nowMs - this.steps[0]!.atMs > this.windowMs) this.steps.shift();
    const first = this.steps[0]!;
    const last = this.steps.at(-1)!;
    if (nowMs - last.atMs >= this.stallMs) return 0;
    if (last === first || last.atMs <= first.atMs) return undefined;
    return ((last.bytes - first.bytes) * 8 * 1000) / (last.atMs - first.atMs);
  }
}
