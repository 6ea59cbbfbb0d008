import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  type SpeechSentenceEvent,
  Streams,
  TTS_JOB_OPTIONS,
  TTS_QUEUE,
  type TtsJobData,
  bullPrefix,
  parseSpeechEvent,
  ttsJobId,
} from '@dh/contracts';
import { RedisNamespace, ServiceProcess, freePort, waitFor } from '@dh/testing';

/** A sentence job as dialogue would enqueue it. */
export function sentenceJob(overrides: Partial<TtsJobData> = {}): TtsJobData {
  return {
    turnId: randomUUID(),
    room: 'p-tts-test',
    seq: 1,
    index: 0,
    text: '你好，我是开心。',
    llmMs: 42,
    at: Date.now(),
    ...overrides,
  };
}

/** Root mean square of s16le samples: well above a few hundred for speech, 0 for silence. */
export function rms(samples: Buffer): number {
  let sum = 0;
  const count = Math.floor(samples.length / 2);
  for (let i = 0; i < count; i += 1) sum += samples.readInt16LE(i * 2) ** 2;
  return count === 0 ? 0 : Math.sqrt(sum / count);
}

/**
 * The tts service as a real process on its own key prefix, with a BullMQ queue to feed it the way dialogue
 * does (same queue name, prefix and job options) and readers for what it writes.
 */
export class TtsHarness {
  readonly ns = new RedisNamespace();
  readonly service: ServiceProcess;
  private readonly connection: Redis;
  readonly queue: Queue;

  private constructor(
    readonly metricsPort: number,
    env: Record<string, string>,
  ) {
    this.service = new ServiceProcess({
      name: 'tts',
      env: {
        REDIS_URL: this.ns.url,
        REDIS_PREFIX: this.ns.prefix,
        METRICS_PORT: String(metricsPort),
        LOG_LEVEL: 'debug',
        ...env,
      },
    });
    this.connection = new Redis(this.ns.url, { maxRetriesPerRequest: null });
    this.queue = new Queue(TTS_QUEUE, { connection: this.connection, prefix: bullPrefix(this.ns.prefix) });
  }

  static async start(env: Record<string, string> = {}): Promise<TtsHarness> {
    const harness = new TtsHarness(await freePort(), env);
    await harness.service.start();
    return harness;
  }

  async add(job: TtsJobData): Promise<void> {
    await this.queue.add('sentence', job, { ...TTS_JOB_OPTIONS, jobId: ttsJobId(job.turnId, job.index) });
  }

  async sentences(): Promise<SpeechSentenceEvent[]> {
    const entries = await this.ns.redis.xrange(this.ns.key(Streams.speech), '-', '+');
    return entries.map(([, fields]) => {
      const event = parseSpeechEvent(fields[fields.indexOf('event') + 1] ?? '');
      if (event.type !== 'speech.sentence') throw new Error(`unexpected ${event.type}`);
      return event;
    });
  }

  /** Waits until the stream holds at least `count` sentence events of the turn, and returns them all. */
  async waitForSentences(turnId: string, count: number, timeoutMs = 30_000): Promise<SpeechSentenceEvent[]> {
    return waitFor(
      `${count} sentence events of turn ${turnId}`,
      async () => {
        const events = (await this.sentences()).filter((e) => e.turnId === turnId);
        return events.length >= count ? events : undefined;
      },
      timeoutMs,
    );
  }

  async audio(audioKey: string): Promise<Buffer | null> {
    return this.ns.redis.getBuffer(this.ns.key(audioKey));
  }

  /** Sum of a metric's samples whose labels include all of `labels` (0 when absent). */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const response = await fetch(`http://127.0.0.1:${this.metricsPort}/metrics`);
    if (!response.ok) throw new Error(`metrics answered ${response.status}`);
    let total = 0;
    for (const line of (await response.text()).split('\n')) {
      const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match || match[1] !== name) continue;
      const have = match[2] ?? '';
      if (Object.entries(labels).every(([k, v]) => have.includes(`${k}="${v}"`))) total += Number(match[3]);
    }
    return total;
  }

  async stop(): Promise<void> {
    await this.service.stop();
    await this.queue.close();
    await this.connection.quit();
    await this.ns.cleanup();
  }
}
