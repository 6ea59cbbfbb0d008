import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { type KeyPrefix, execAll } from '@dh/streams';
import { KEYS, REDIS } from '@dh/runtime';
import type { LlmUsage } from '../llm/llm-types.js';

/** `llm:spend:2026-11`: one hash a month, shared by every dialogue replica and surviving their restarts. */
export const spendKey = (month: string) => `llm:spend:${month}`;

/** The hash's fields: spend in micro-CNY and tokens by kind (as in dh_llm_tokens_total). */
export const SpendFields = {
  microCny: 'micro_cny',
  cacheHit: 'cache_hit',
  cacheMiss: 'cache_miss',
  completion: 'completion',
} as const;

// Renewed with every write: the month's figure outlives the month by more than a month, for `make status`
// and for a look back after the turn; Prometheus keeps the history.
const LEDGER_TTL_S = 70 * 86_400;

/**
 * The month's DeepSeek spend in Redis. Integer micro-CNY (HINCRBY), so that several replicas add to it
 * atomically and the sum never drifts; notices that must go out once a month are claimed here too.
 */
@Injectable()
export class SpendLedger {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(KEYS) private readonly keys: KeyPrefix,
  ) {}

  /** Adds one answer; returns the month's new total in micro-CNY, other replicas' spend included. */
  async add(month: string, microCny: number, usage: LlmUsage): Promise<number> {
    const key = this.keys.key(spendKey(month));
    const [total] = await execAll(
      this.redis
        .multi()
        .hincrby(key, SpendFields.microCny, microCny)
        .hincrby(key, SpendFields.cacheHit, usage.cacheHitTokens)
        .hincrby(key, SpendFields.cacheMiss, usage.cacheMissTokens)
        .hincrby(key, SpendFields.completion, usage.completionTokens)
        .expire(key, LEDGER_TTL_S),
    );
    return Number(total);
  }

  /** The month's total in micro-CNY; 0 before its first answer. */
  async microCny(month: string): Promise<number> {
    const raw = await this.redis.hget(this.keys.key(spendKey(month)), SpendFields.microCny);
    const value = Number(raw ?? 0);
    return Number.isSafeInteger(value) ? value : 0;
  }

  /** True for exactly one caller per month and `name`, across replicas and restarts. */
  async claim(month: string, name: string, atMs: number): Promise<boolean> {
    const key = this.keys.key(spendKey(month));
    const [set] = await execAll(
      this.redis.multi().hsetnx(key, `claimed:${name}`, String(atMs)).expire(key, LEDGER_TTL_S),
    );
    return set === 1;
  }
}
