import type { BillingPeriod } from './billing-period.js';

export interface TrafficProjection {
  /** The period's total if the rest of it goes at the pace so far. */
  projectedBytes: number;
  /** When the budget runs out at that pace; undefined when nothing has been sent yet. */
  exhaustedAtMs: number | undefined;
}

/**
 * Straight-line projection from the period so far. The first hour is too short to say anything, so it is
 * treated as a whole hour (a burst in the first minutes must not predict the budget gone by noon).
 */
export function projectTraffic(
  usedBytes: number,
  budgetBytes: number,
  period: BillingPeriod,
  nowMs: number,
): TrafficProjection {
  const elapsedMs = Math.max(nowMs - period.startMs, 3_600_000);
  const bytesPerMs = usedBytes / elapsedMs;
  const projectedBytes = usedBytes + bytesPerMs * Math.max(0, period.endMs - nowMs);
  if (bytesPerMs <= 0) return { projectedBytes, exhaustedAtMs: undefined };
  const exhaustedAtMs = usedBytes >= budgetBytes ? nowMs : nowMs + (budgetBytes - usedBytes) / bytesPerMs;
  return { projectedBytes, exhaustedAtMs };
}
