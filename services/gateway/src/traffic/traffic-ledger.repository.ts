import type { Redis } from 'ioredis';
import { Keys } from '@dh/contracts';
import type { KeyPrefix } from '@dh/streams';

/** A period's key outlives the period long enough for last month's figure to be read in this one. */
const PERIOD_TTL_S = 70 * 24 * 3_600;

/**
 * Adds the bytes sent since the counters last stored, per interface, to the period's total, and stores the new
 * counters, all in one step: replicas that sample at once never count the same bytes twice. A counter below
 * the stored one was reset (reboot, interface re-created, 32-bit wrap): what it shows now was all sent since. An
 * interface seen for the first time is only remembered: what it sent before we watched is not this period's.
 */
const ADD_SCRIPT = `
local added = 0
for i = 2, #ARGV, 2 do
  local now = tonumber(ARGV[i + 1])
  local before = redis.call('HGET', KEYS[2], ARGV[i])
  if before then
    before = tonumber(before)
    if now >= before then added = added + (now - before) else added = added + now end
  end
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
end
local total = redis.call('INCRBY', KEYS[1], added)
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return {added, total}
`;

export interface LedgerUpdate {
  addedBytes: number;
  periodBytes: number;
}

/** The host's egress per billing period, in Redis, surviving restarts of the gateway and reboots of the host. */
export class TrafficLedger {
  constructor(
    private readonly redis: Redis,
    private readonly keys: KeyPrefix,
  ) {}

  async add(periodKey: string, txBytes: ReadonlyMap<string, number>): Promise<LedgerUpdate> {
    const args = [...txBytes].flatMap(([name, bytes]) => [name, String(Math.trunc(bytes))]);
    const [addedBytes, periodBytes] = (await this.redis.eval(
      ADD_SCRIPT,
      2,
      this.keys.key(Keys.trafficPeriod(periodKey)),
      this.keys.key(Keys.trafficCounters),
      String(PERIOD_TTL_S),
      ...args,
    )) as [number, number];
    return { addedBytes, periodBytes };
  }

  async periodBytes(periodKey: string): Promise<number> {
    return Number((await this.redis.get(this.keys.key(Keys.trafficPeriod(periodKey)))) ?? 0);
  }
}
