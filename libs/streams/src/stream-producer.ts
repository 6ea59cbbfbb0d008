import type { Redis } from 'ioredis';
import type { KeyPrefix } from './redis-connection.js';

export interface StreamProducerOptions {
  /** Approximate maximum length kept per stream (XADD MAXLEN ~). Default 10 000. */
  maxLen?: number;
}

/** Appends JSON events to Redis streams, trimmed cheaply with `MAXLEN ~`. */
export class StreamProducer {
  private readonly maxLen: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: KeyPrefix,
    options: StreamProducerOptions = {},
  ) {
    this.maxLen = options.maxLen ?? 10_000;
  }

  /** Returns the entry id. */
  async add(stream: string, event: object): Promise<string> {
    const id = await this.redis.xadd(
      this.keys.key(stream),
      'MAXLEN',
      '~',
      String(this.maxLen),
      '*',
      'event',
      JSON.stringify(event),
    );
    if (id === null) throw new Error('XADD returned no id');
    return id;
  }
}
