import type { LlmUsage } from './llm-types.js';

/** CNY per million tokens; DeepSeek changes them and has peak and off-peak rates, so they are configuration. */
export interface LlmPrices {
  cacheHitCnyPerM: number;
  cacheMissCnyPerM: number;
  outputCnyPerM: number;
}

export function costCny(usage: LlmUsage, prices: LlmPrices): number {
  return (
    (usage.cacheHitTokens * prices.cacheHitCnyPerM +
      usage.cacheMissTokens * prices.cacheMissCnyPerM +
      usage.completionTokens * prices.outputCnyPerM) /
    1_000_000
  );
}
