import type { Redis } from 'ioredis';
import { ServiceMetrics, createLogger } from '@dh/observability';
import { RedisNamespace } from '@dh/testing';
import {
  KeyPrefix,
  StreamConsumer,
  StreamProducer,
  createRedis,
  type DeliveryInfo,
  type StreamConsumerOptions,
} from '../src/index.js';

export const GROUP = 'workers';

// Short times keep the suite fast; they are settings of the code under test, never asserted on.
export const BLOCK_MS = 200;
export const CLAIM_IDLE_MS = 300;

export const logger = createLogger('streams-test', process.env.DH_TEST_VERBOSE ? 'debug' : 'silent');

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A handler that never settles: a process that hangs or dies in the middle of a side effect. */
export const never = () => new Promise<void>(() => undefined);

export interface TestEvent {
  n: number;
  key?: string;
}

export type ConsumerSettings<T> = Partial<Omit<StreamConsumerOptions<T>, 'handle'>> & {
  handle: (event: T, delivery: DeliveryInfo) => Promise<void>;
};

/**
 * One test's world: its own key prefix on the real Redis, a producer, and the consumers it started, all
 * stopped and deleted by `close`.
 */
export class StreamHarness {
  readonly ns = new RedisNamespace();
  readonly keys = new KeyPrefix(this.ns.prefix);
  readonly redis: Redis = createRedis(this.ns.url, { connectionName: 'streams-test' });
  readonly producer = new StreamProducer(this.redis, this.keys);
  readonly metrics = new ServiceMetrics('streams-test');
  private readonly consumers: StreamConsumer<unknown>[] = [];

  constructor(readonly stream = 'events') {}

  get streamKey(): string {
    return this.keys.key(this.stream);
  }

  /** Starts a consumer on this harness's stream with fast test settings; `settings` override them. */
  async consumer<T = TestEvent>(settings: ConsumerSettings<T>): Promise<StreamConsumer<T>> {
    const consumer = new StreamConsumer<T>({
      redis: this.redis,
      blockingRedis: createRedis(this.ns.url, { connectionName: 'streams-test:blocking', blocking: true }),
      keys: this.keys,
      stream: this.stream,
      group: GROUP,
      consumer: 'c1',
      parse: (raw) => JSON.parse(raw) as T,
      logger,
      metrics: this.metrics,
      blockMs: BLOCK_MS,
      claimIdleMs: CLAIM_IDLE_MS,
      ...settings,
    });
    this.consumers.push(consumer as StreamConsumer<unknown>);
    await consumer.start();
    return consumer;
  }

  async produce(...events: object[]): Promise<string[]> {
    const ids: string[] = [];
    for (const event of events) ids.push(await this.producer.add(this.stream, event));
    return ids;
  }

  /** Adds an entry with raw fields, bypassing the producer (malformed bodies). */
  async addRaw(...fields: string[]): Promise<string> {
    return (await this.redis.xadd(this.streamKey, '*', ...fields))!;
  }

  /** Entries delivered to the group and not acknowledged. */
  async pendingCount(): Promise<number> {
    const summary = (await this.redis.xpending(this.streamKey, GROUP)) as [number, ...unknown[]];
    return Number(summary[0]);
  }

  /** The pending rows: [id, consumer, idleMs, deliveries]. */
  async pendingRows(): Promise<[string, string, number, number][]> {
    return (await this.redis.xpending(this.streamKey, GROUP, '-', '+', 100)) as [string, string, number, number][];
  }

  /** The dead-letter stream's entries as field objects. */
  async deadLetters(): Promise<Record<string, string>[]> {
    const entries = await this.redis.xrange(this.keys.key(`${this.stream}:dead`), '-', '+');
    return entries.map(([, fields]) => {
      const record: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]!] = fields[i + 1]!;
      return record;
    });
  }

  async deadLetterCount(): Promise<number> {
    const metric = await this.metrics.deadLetters.get();
    return metric.values.find((v) => v.labels.stream === this.stream)?.value ?? 0;
  }

  async close(): Promise<void> {
    // Grace 0: some tests leave handlers hanging on purpose.
    await Promise.all(this.consumers.map((c) => c.stop(0)));
    this.redis.disconnect();
    await this.ns.cleanup();
  }
}
