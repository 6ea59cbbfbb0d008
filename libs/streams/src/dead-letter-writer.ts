import type { Redis } from 'ioredis';
import type { Logger, ServiceMetrics } from '@dh/observability';

export interface DeadLetter {
  id: string;
  /** The entry's `event` field as it was read ('' when it had none). */
  event: string;
  deliveries: number;
  reason: 'too many deliveries' | 'malformed';
  /** E.g. the parser's message; stored with the entry but never logged, as it may quote guest text. */
  detail?: string;
}

/**
 * Moves a poison entry to `<stream>:dead` and acknowledges it, so it stops looping but stays inspectable.
 * The dead-letter stream is trimmed like every other stream.
 */
export class DeadLetterWriter {
  constructor(
    private readonly redis: Redis,
    private readonly streamKey: string,
    private readonly deadKey: string,
    private readonly group: string,
    private readonly stream: string,
    private readonly maxLen: number,
    private readonly logger: Logger,
    private readonly metrics: ServiceMetrics | undefined,
  ) {}

  async write({ id, event, deliveries, reason, detail }: DeadLetter): Promise<void> {
    const { stream } = this;
    try {
      await this.redis.xadd(
        this.deadKey,
        'MAXLEN',
        '~',
        String(this.maxLen),
        '*',
        'stream',
        stream,
        'id',
        id,
        'deliveries',
        String(deliveries),
        'reason',
        detail === undefined ? reason : `${reason}: ${detail}`,
        'event',
        event,
      );
      await this.redis.xack(this.streamKey, this.group, id);
      this.metrics?.deadLetters.inc({ stream });
      this.logger.warn({ stream, entryId: id, deliveries, reason }, 'entry moved to dead-letter stream');
    } catch (error) {
      // Still pending: the claim timer brings it back and it is dead-lettered again.
      this.logger.warn({ stream, entryId: id, err: (error as Error).message }, 'dead-lettering failed; will retry');
    }
  }
}
