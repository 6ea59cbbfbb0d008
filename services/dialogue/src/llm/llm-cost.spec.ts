import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MICRO_CNY_PER_CNY, costMicroCny } from './llm-cost.js';

// deepseek-flash at peak hours (api-docs.deepseek.com pricing page, read 2026-11-25), CNY per million tokens.
const flashPeak = { cacheHitCnyPerM: 0.04, cacheMissCnyPerM: 2, outputCnyPerM: 8 };

describe('LLM cost', () => {
  test('a million tokens of each kind cost exactly the three prices', () => {
    const usage = { cacheHitTokens: 1_000_000, cacheMissTokens: 1_000_000, completionTokens: 1_000_000 };
    assert.equal(costMicroCny(usage, flashPeak), (0.04 + 2 + 8) * MICRO_CNY_PER_CNY);
  });

  test('a typical spoken answer as the fake DeepSeek reports it: cached prompt, a short reply', () => {
    // 1 280 of 1 500 prompt tokens cached (64-token units), 60 completion tokens.
    const usage = { cacheHitTokens: 1_280, cacheMissTokens: 220, completionTokens: 60 };
    // 1280 × 0.04 + 220 × 2 + 60 × 8 = 51.2 + 440 + 480 = 971.2 micro-CNY
    assert.equal(costMicroCny(usage, flashPeak), 971);
  });

  test('each kind is priced on its own', () => {
    const prices = { cacheHitCnyPerM: 1, cacheMissCnyPerM: 10, outputCnyPerM: 100 };
    assert.equal(costMicroCny({ cacheHitTokens: 7, cacheMissTokens: 0, completionTokens: 0 }, prices), 7);
    assert.equal(costMicroCny({ cacheHitTokens: 0, cacheMissTokens: 7, completionTokens: 0 }, prices), 70);
    assert.equal(costMicroCny({ cacheHitTokens: 0, cacheMissTokens: 0, completionTokens: 7 }, prices), 700);
  });

  test('nothing used costs nothing; free prices cost nothing', () => {
    assert.equal(costMicroCny({ cacheHitTokens: 0, cacheMissTokens: 0, completionTokens: 0 }, flashPeak), 0);
    const free = { cacheHitCnyPerM: 0, cacheMissCnyPerM: 0, outputCnyPerM: 0 };
    assert.equal(costMicroCny({ cacheHitTokens: 9, cacheMissTokens: 9, completionTokens: 9 }, free), 0);
  });

  test('a thousand small answers add up to their exact sum (integers, no float drift)', () => {
    const usage = { cacheHitTokens: 3, cacheMissTokens: 1, completionTokens: 1 };
    const prices = { cacheHitCnyPerM: 0.1, cacheMissCnyPerM: 0.2, outputCnyPerM: 0.7 }; // 1.2 → 1 each
    let total = 0;
    for (let i = 0; i < 1000; i++) total += costMicroCny(usage, prices);
    assert.equal(total, 1000);
  });
});
