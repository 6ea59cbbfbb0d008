import type { Redis } from 'ioredis';
import type { Logger, ServiceMetrics } from '@dh/observability';
import type { KeyPrefix } from './redis-connection.js';
import { type DeliveryInfo, type RawEntry, firstStreamEntries, toRawEntries } from './stream-entry.js';

export interface StreamConsumerOptions<T> {
  /** Connection for XACK, XCLAIM, XPENDING and dead letters. */
  redis: Redis;
  /** A connection of its own for the blocking XREADGROUP; the consumer closes it on stop. */
  blockingRedis: Redis;
  keys: KeyPrefix;
  /** Stream name without the prefix. */
  stream: string;
  group: string;
  /** Stable across restarts (e.g. the service name), so that a restarted process finds its own pending entries. */
  consumer: string;
  /** Validates the entry's JSON; a throw sends the entry to the dead-letter stream. */
  parse: (raw: string) => T;
  /** The side effect. The entry is acknowledged only after this resolves; a throw leaves it pending. */
  handle: (event: T, delivery: DeliveryInfo) => Promise<void>;
  /** Entries with the same key are handled one at a time in stream order; other keys run concurrently. */
  partitionKey?: (event: T) => string;
  logger: Logger;
  metrics?: ServiceMetrics;
  /** Entries handled at once. Default 64. */
  maxInFlight?: number;
  /** Entries read per XREADGROUP. Default 16. */
  batchSize?: number;
  /** How long one XREADGROUP blocks. Default 2 000 ms. */
  blockMs?: number;
  /** A pending entry idle this long belongs to a consumer that died and is claimed. Default 30 000 ms. */
  claimIdleMs?: number;
  /** An entry delivered this many times without success goes to `<stream>:dead`. Default 5. */
  maxDeliveries?: number;
  /** Approximate length kept of the dead-letter stream. Default 1 000. */
  deadLetterMaxLen?: number;
}

type PendingRow = [id: string, consumer: string, idleMs: number, deliveries: number];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * At-least-once consumption of one Redis stream through a consumer group: own pending entries are read first
 * after a restart, entries are acknowledged only after their side effect, entries left by dead consumers are
 * claimed after `claimIdleMs`, and poison entries end in a dead-letter stream instead of looping forever.
 * Handlers must be idempotent: an entry may be delivered again after a crash.
 */
export class StreamConsumer<T> {
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private reclaimTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly partitions = new Map<string, Promise<void>>();
  private capacityWaiter: (() => void) | undefined;

  private readonly streamKey: string;
  private readonly deadKey: string;
  private readonly maxInFlight: number;
  private readonly batchSize: number;
  private readonly blockMs: number;
  private readonly claimIdleMs: number;
  private readonly maxDeliveries: number;
  private readonly deadLetterMaxLen: number;

  constructor(private readonly options: StreamConsumerOptions<T>) {
    this.streamKey = options.keys.key(options.stream);
    this.deadKey = options.keys.key(`${options.stream}:dead`);
    this.maxInFlight = options.maxInFlight ?? 64;
    this.batchSize = options.batchSize ?? 16;
    this.blockMs = options.blockMs ?? 2_000;
    this.claimIdleMs = options.claimIdleMs ?? 30_000;
    this.maxDeliveries = options.maxDeliveries ?? 5;
    this.deadLetterMaxLen = options.deadLetterMaxLen ?? 1_000;
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.ensureGroup();
    this.running = true;
    this.loopDone = this.readLoop();
    // A third of the idle limit: our own in-flight entries are touched well before anyone may claim them.
    const tick = Math.max(100, Math.floor(this.claimIdleMs / 3));
    this.reclaimTimer = setInterval(() => void this.reclaimTick(), tick);
  }

  /** Stops reading, lets in-flight handlers finish (up to `graceMs`), and closes the blocking connection. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.reclaimTimer);
    this.capacityWaiter?.();
    this.options.blockingRedis.disconnect();
    await this.loopDone;
    const handlers = Promise.allSettled([...this.inFlight.values()]);
    await Promise.race([handlers, sleep(graceMs)]);
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  private async ensureGroup(): Promise<void> {
    try {
      // From the stream's start, not `$`: after a Redis restart, entries written before the group is made
      // again must not be skipped. Handlers are idempotent, so an old entry read twice costs nothing.
      await this.options.redis.xgroup('CREATE', this.streamKey, this.options.group, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).startsWith('BUSYGROUP')) throw error;
    }
  }

  private async readLoop(): Promise<void> {
    const { blockingRedis, group, consumer, logger } = this.options;
    // '0' reads our own pending entries (left by a previous run of this consumer); then '>' for new ones.
    let cursor = '0';
    let failures = 0;
    while (this.running) {
      await this.waitForCapacity();
      if (!this.running) break;
      try {
        const args: (string | number)[] = ['GROUP', group, consumer, 'COUNT', this.batchSize];
        if (cursor === '>') args.push('BLOCK', this.blockMs);
        args.push('STREAMS', this.streamKey, cursor);
        const reply = await (blockingRedis.xreadgroup as (...a: (string | number)[]) => Promise<unknown>)(...args);
        failures = 0;
        const entries = firstStreamEntries(reply);
        if (cursor === '>') {
          for (const entry of entries) this.dispatch(entry, 1);
          continue;
        }
        const last = entries.at(-1);
        if (!last) {
          cursor = '>';
          continue;
        }
        cursor = last.id;
        const counts = await this.deliveryCounts(entries[0]!.id, last.id, entries.length);
        for (const entry of entries) this.dispatch(entry, counts.get(entry.id) ?? 2);
      } catch (error) {
        if (!this.running) break;
        const message = String((error as Error).message);
        if (message.startsWith('NOGROUP')) {
          // Redis lost the group (restarted without persistence): make it again and start over.
          logger.warn({ stream: this.options.stream }, 'consumer group missing; recreating');
          await this.ensureGroup().catch(() => undefined);
          cursor = '0';
          continue;
        }
        failures += 1;
        logger.warn({ stream: this.options.stream, err: message, failures }, 'stream read failed; retrying');
        await sleep(Math.min(100 * 2 ** Math.min(failures, 5), 2_000));
      }
    }
  }

  private async waitForCapacity(): Promise<void> {
    while (this.running && this.inFlight.size >= this.maxInFlight) {
      await new Promise<void>((resolve) => (this.capacityWaiter = resolve));
    }
  }

  private async deliveryCounts(start: string, end: string, count: number): Promise<Map<string, number>> {
    const rows = (await this.options.redis.xpending(
      this.streamKey,
      this.options.group,
      start,
      end,
      count,
      this.options.consumer,
    )) as PendingRow[];
    return new Map(rows.map(([id, , , deliveries]) => [id, deliveries]));
  }

  private dispatch(entry: RawEntry, deliveries: number): void {
    if (this.inFlight.has(entry.id)) return;
    if (entry.event === undefined) {
      // The entry was trimmed away while pending: nothing left to do but forget it.
      void this.ack(entry.id);
      return;
    }
    if (deliveries > this.maxDeliveries) {
      void this.deadLetter(entry.id, entry.event, deliveries - 1, 'too many deliveries');
      return;
    }
    let event: T;
    try {
      event = this.options.parse(entry.event);
    } catch (error) {
      void this.deadLetter(entry.id, entry.event, deliveries, `malformed: ${(error as Error).message}`);
      return;
    }
    const key = this.options.partitionKey?.(event) ?? entry.id;
    const previous = this.partitions.get(key) ?? Promise.resolve();
    const run = previous.then(() => this.handleOne(event, { id: entry.id, deliveries }));
    this.partitions.set(key, run);
    this.inFlight.set(entry.id, run);
    void run.finally(() => {
      if (this.partitions.get(key) === run) this.partitions.delete(key);
      this.inFlight.delete(entry.id);
      const waiter = this.capacityWaiter;
      this.capacityWaiter = undefined;
      waiter?.();
    });
  }

  private async handleOne(event: T, delivery: DeliveryInfo): Promise<void> {
    try {
      await this.options.handle(event, delivery);
    } catch (error) {
      this.options.logger.error(
        {
          stream: this.options.stream,
          entryId: delivery.id,
          deliveries: delivery.deliveries,
          err: (error as Error).message,
        },
        'handler failed; entry stays pending for another delivery',
      );
      return;
    }
    await this.ack(delivery.id);
  }

  private async ack(id: string): Promise<void> {
    try {
      await this.options.redis.xack(this.streamKey, this.options.group, id);
    } catch (error) {
      // Redis is away: the entry stays pending and is delivered again; handlers are idempotent.
      this.options.logger.warn(
        { stream: this.options.stream, entryId: id, err: (error as Error).message },
        'ack failed',
      );
    }
  }

  private async deadLetter(id: string, event: string, deliveries: number, reason: string): Promise<void> {
    const { redis, logger, metrics, stream } = this.options;
    try {
      await redis.xadd(
        this.deadKey,
        'MAXLEN',
        '~',
        String(this.deadLetterMaxLen),
        '*',
        'stream',
        stream,
        'id',
        id,
        'deliveries',
        String(deliveries),
        'reason',
        reason,
        'event',
        event,
      );
      await redis.xack(this.streamKey, this.options.group, id);
      metrics?.deadLetters.inc({ stream });
      logger.warn({ stream, entryId: id, deliveries, reason }, 'entry moved to dead-letter stream');
    } catch (error) {
      logger.warn({ stream, entryId: id, err: (error as Error).message }, 'dead-lettering failed; will retry');
    }
  }

  /** Keeps our in-flight entries fresh, dead-letters poison entries, and claims entries of dead consumers. */
  private async reclaimTick(): Promise<void> {
    if (!this.running) return;
    const { redis, group, consumer, stream } = this.options;
    try {
      const ids = [...this.inFlight.keys()];
      if (ids.length > 0) {
        // JUSTID resets the idle time without counting a delivery.
        await redis.xclaim(this.streamKey, group, consumer, 0, ...ids, 'JUSTID');
      }
      const idle = (await redis.xpending(
        this.streamKey,
        group,
        'IDLE',
        this.claimIdleMs,
        '-',
        '+',
        100,
      )) as PendingRow[];
      const counts = new Map<string, number>();
      for (const [id, , , deliveries] of idle) {
        if (this.inFlight.has(id)) continue;
        counts.set(id, deliveries);
        if (deliveries >= this.maxDeliveries) {
          const [entry] = toRawEntries(await redis.xrange(this.streamKey, id, id));
          if (entry?.event !== undefined) await this.deadLetter(id, entry.event, deliveries, 'too many deliveries');
          else await this.ack(id);
        }
      }
      const claimed = (await redis.xautoclaim(
        this.streamKey,
        group,
        consumer,
        this.claimIdleMs,
        '0-0',
        'COUNT',
        100,
      )) as [string, [string, string[] | null][], string[]?];
      for (const entry of toRawEntries(claimed[1])) {
        this.dispatch(entry, (counts.get(entry.id) ?? 1) + 1);
      }
      const summary = (await redis.xpending(this.streamKey, group)) as [number, ...unknown[]];
      this.options.metrics?.streamPending.set({ stream }, Number(summary[0]) || 0);
    } catch (error) {
      const message = String((error as Error).message);
      if (message.startsWith('NOGROUP')) await this.ensureGroup().catch(() => undefined);
      else this.options.logger.warn({ stream, err: message }, 'reclaim failed');
    }
  }
}
