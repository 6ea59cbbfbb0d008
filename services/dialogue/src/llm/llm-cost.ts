import type { LlmUsage } from './llm-types.js';

/** CNY per million tokens; DeepSeek changes them and has peak and off-peak rates, so they are configuration. */
export interface LlmPrices {
  cacheHitCnyPerM: number;
  cacheMissCnyPerM: number;
  outputCnyPerM: number;
}

export const MICRO_CNY_PER_CNY = 1_000_000;

/**
 * What one answer cost, in micro-CNY (10⁻⁶ CNY): tokens × CNY per million tokens is exactly that unit. Rounded
 * to a whole number so that replicas add integers to the shared ledger and the month's sum never drifts.
 */
export function costMicroCny(usage: LlmUsage, prices: LlmPrices): number {
  return Math.round(
    usage.cacheHitTokens * prices.cacheHitCnyPerM +
      usage.cacheMissTokens * prices.cacheMissCnyPerM +
      usage.completionTokens * prices.outputCnyPerM,
  );
}
