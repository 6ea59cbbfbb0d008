import type { Redis } from 'ioredis';
import type { Logger, ServiceMetrics } from '@dh/observability';
import type { KeyPrefix } from './redis-connection.js';
import { DeadLetterWriter } from './dead-letter-writer.js';
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
  private tickDone: Promise<void> | undefined;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly partitions = new Map<string, Promise<void>>();
  private capacityWaiter: (() => void) | undefined;

  private readonly streamKey: string;
  private readonly deadLetters: DeadLetterWriter;
  private readonly maxInFlight: number;
  private readonly batchSize: number;
  private readonly blockMs: number;
  private readonly claimIdleMs: number;
  private readonly maxDeliveries: number;

  constructor(private readonly options: StreamConsumerOptions<T>) {
    this.streamKey = options.keys.key(options.stream);
    this.maxInFlight = options.maxInFlight ?? 64;
    this.batchSize = options.batchSize ?? 16;
    this.blockMs = options.blockMs ?? 2_000;
    this.claimIdleMs = options.claimIdleMs ?? 30_000;
    this.maxDeliveries = options.maxDeliveries ?? 5;
    this.deadLetters = new DeadLetterWriter(
      options.redis,
      this.streamKey,
      options.keys.key(`${options.stream}:dead`),
      options.group,
      options.stream,
      options.deadLetterMaxLen ?? 1_000,
      options.logger,
      options.metrics,
    );
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.ensureGroup();
    this.running = true;
    this.loopDone = this.readLoop();
    // A third of the idle limit: our own in-flight entries are touched well before anyone may claim them.
    const tick = Math.max(100, Math.floor(this.claimIdleMs / 3));
    this.reclaimTimer = setInterval(() => {
      // A slow Redis must not stack ticks: two at once would dead-letter the same entry twice.
      if (this.tickDone) return;
      this.tickDone = this.reclaimTick().finally(() => (this.tickDone = undefined));
    }, tick);
  }

  /** Stops reading, lets in-flight handlers finish (up to `graceMs`), and closes the blocking connection. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.reclaimTimer);
    this.capacityWaiter?.();
    this.options.blockingRedis.disconnect();
    await this.loopDone;
    await this.tickDone;
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
        // NOGROUP: Redis lost the group (restarted without persistence). UNBLOCKED: the stream was deleted
        // while we blocked on it. Either way make the group again and start over.
        if (message.startsWith('NOGROUP') || message.startsWith('UNBLOCKED')) {
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
    const { id, event } = entry;
    if (this.inFlight.has(id)) return;
    if (entry.deleted) {
      // The entry was trimmed away while pending: nothing left to do but forget it.
      this.track(id, this.ack(id));
      return;
    }
    if (deliveries > this.maxDeliveries) {
      // This delivery is one too many: it is not handed to the handler, so `maxDeliveries` were made.
      const letter = { id, event: event ?? '', deliveries: deliveries - 1, reason: 'too many deliveries' } as const;
      this.track(id, this.deadLetters.write(letter));
      return;
    }
    let parsed: T;
    try {
      if (event === undefined) throw new Error('no event field');
      parsed = this.options.parse(event);
    } catch (error) {
      const detail = (error as Error).message;
      this.track(id, this.deadLetters.write({ id, event: event ?? '', deliveries, reason: 'malformed', detail }));
      return;
    }
    const key = this.options.partitionKey?.(parsed) ?? id;
    const previous = this.partitions.get(key) ?? Promise.resolve();
    const run = previous.then(() => this.handleOne(parsed, { id, deliveries }));
    this.partitions.set(key, run);
    void run.finally(() => {
      if (this.partitions.get(key) === run) this.partitions.delete(key);
    });
    this.track(id, run);
  }

  /**
   * Marks an entry as ours until `work` settles (`work` never rejects): the claim timer keeps it fresh, so no
   * other consumer takes it, and a second delivery of it is ignored meanwhile.
   */
  private track(id: string, work: Promise<void>): void {
    this.inFlight.set(id, work);
    void work.finally(() => {
      if (this.inFlight.get(id) === work) this.inFlight.delete(id);
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

  /** Keeps our in-flight entries fresh and claims entries left idle by dead consumers or failed handlers. */
  private async reclaimTick(): Promise<void> {
    if (!this.running) return;
    const { redis, group, consumer, stream } = this.options;
    try {
      const ids = [...this.inFlight.keys()];
      if (ids.length > 0) {
        // JUSTID resets the idle time without counting a delivery.
        await redis.xclaim(this.streamKey, group, consumer, 0, ...ids, 'JUSTID');
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
      const entries = toRawEntries(claimed[1]).filter((entry) => !this.inFlight.has(entry.id));
      const first = entries[0];
      const last = entries.at(-1);
      if (first && last) {
        // The counts after the claim, read back: a count guessed from before it could let an entry past
        // maxDeliveries when it turned idle between two commands.
        const counts = await this.deliveryCounts(first.id, last.id, claimed[1].length + this.inFlight.size);
        for (const entry of entries) {
          // No row: it is no longer pending for us (acknowledged or taken over meanwhile).
          const deliveries = counts.get(entry.id);
          if (deliveries !== undefined) this.dispatch(entry, deliveries);
        }
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
