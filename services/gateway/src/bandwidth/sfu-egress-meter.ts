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
 * governor can do something about). A counter that went down means LiveKit restarted: that sample has no rate.
 */
export class SfuEgressMeter {
  private last: { atMs: number; bytes: number } | undefined;

  constructor(
    private readonly url: string,
    private readonly timeoutMs = 1_500,
  ) {}

  /** Bits per second since the last call; undefined on the first call, a restart, or no answer. */
  async sample(nowMs = Date.now()): Promise<number | undefined> {
    let bytes: number | undefined;
    try {
      const response = await fetch(this.url, { signal: AbortSignal.timeout(this.timeoutMs) });
      bytes = response.ok ? outgoingPacketBytes(await response.text()) : undefined;
    } catch {
      bytes = undefined;
    }
    const last = this.last;
    this.last = bytes === undefined ? undefined : { atMs: nowMs, bytes };
    if (bytes === undefined || !last || bytes < last.bytes || nowMs <= last.atMs) return undefined;
    return ((bytes - last.bytes) * 8 * 1000) / (nowMs - last.atMs);
  }
}
