import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { ConsumerGroups, Streams, UtteranceEvent, parseJson } from '@dh/contracts';
import type { Logger, ServiceMetrics } from '@dh/observability';
import { CONFIG, KEYS, LOGGER, METRICS, REDIS, RUNTIME_OPTIONS, type RuntimeOptions } from '@dh/runtime';
import { type KeyPrefix, StreamConsumer, createRedis } from '@dh/streams';
import type { DialogueConfig } from '../dialogue.config.js';
import { SentenceQueue } from './sentence-queue.js';
import { TurnService } from './turn.service.js';

/**
 * Reads guest utterances from the `dialogue` consumer group, one turn at a time per room and rooms in
 * parallel, and acknowledges each once its answer is complete.
 */
@Injectable()
export class UtteranceConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: StreamConsumer<UtteranceEvent> | undefined;
  // Aborted at shutdown: turns in flight stop at once and stay pending for the next process.
  private readonly shutdown = new AbortController();

  constructor(
    @Inject(CONFIG) private readonly config: DialogueConfig,
    @Inject(RUNTIME_OPTIONS) private readonly runtime: RuntimeOptions,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(KEYS) private readonly keys: KeyPrefix,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    private readonly turns: TurnService,
    private readonly queue: SentenceQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = new StreamConsumer<UtteranceEvent>({
      redis: this.redis,
      blockingRedis: createRedis(this.runtime.redisUrl, { connectionName: 'dialogue:blocking', blocking: true }),
      keys: this.keys,
      stream: Streams.utterances,
      group: ConsumerGroups.dialogue,
      consumer: this.config.DIALOGUE_CONSUMER,
      parse: (raw) => parseJson(UtteranceEvent, raw),
      handle: (utterance) => this.turns.handle(utterance, this.shutdown.signal),
      partitionKey: (utterance) => utterance.room,
      logger: this.logger,
      metrics: this.metrics,
    });
    await this.consumer.start();
    this.logger.info({ consumer: this.config.DIALOGUE_CONSUMER }, 'consuming utterances');
  }

  /** Before the runtime closes Redis: stop reading, end turns in flight, close the queue. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.abort();
    await this.consumer?.stop(3_000);
    await this.queue.close();
  }
}
