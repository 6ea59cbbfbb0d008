import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import {
  ConsumerGroups,
  Keys,
  NoticeEvent,
  type SpeechEndEvent,
  Streams,
  TTS_QUEUE,
  type TtsJobData,
  type UtteranceEvent,
  bullPrefix,
  parseJson,
  parseSpeechEvent,
} from '@dh/contracts';
import { FakeDeepSeek, RedisNamespace, ServiceProcess, freePort, waitFor } from '@dh/testing';

/**
 * One dialogue process under test with everything around it real: its own Redis namespace, a fake DeepSeek
 * on loopback, and a BullMQ Queue on the `tts` queue to read the jobs it produced (no tts worker runs, so
 * jobs stay waiting and can be inspected).
 */
export class DialogueHarness {
  readonly ns = new RedisNamespace();
  readonly fake = new FakeDeepSeek();
  readonly queue: Queue<TtsJobData>;
  service!: ServiceProcess;
  metricsPort = 0;
  private seq = 0;

  constructor(private readonly env: Record<string, string> = {}) {
    this.queue = new Queue<TtsJobData>(TTS_QUEUE, { connection: this.ns.redis, prefix: bullPrefix(this.ns.prefix) });
  }

  async start(): Promise<this> {
    await this.fake.start();
    this.metricsPort = await freePort();
    this.service = new ServiceProcess({
      name: 'dialogue',
      env: {
        REDIS_URL: this.ns.url,
        REDIS_PREFIX: this.ns.prefix,
        METRICS_PORT: String(this.metricsPort),
        LOG_LEVEL: 'info',
        DEEPSEEK_API_KEY: 'sk-test',
        DEEPSEEK_BASE_URL: this.fake.url,
        LLM_RETRY_BASE_MS: '20',
        ...this.env,
      },
    });
    await this.service.start();
    return this;
  }

  async stop(): Promise<void> {
    await this.service?.stop();
    await this.queue.close();
    await this.fake.stop();
    await this.ns.cleanup();
  }

  /** XADDs an utterance as media would; returns it. */
  async say(text: string, overrides: Partial<UtteranceEvent> = {}): Promise<UtteranceEvent> {
    const utterance: UtteranceEvent = {
      type: 'utterance',
      turnId: randomUUID(),
      room: 'p-room1',
      seq: ++this.seq,
      identity: 'guest-1',
      name: '小明',
      input: 'text',
      text,
      shared: 'no',
      at: Date.now(),
      ...overrides,
    };
    await this.add(utterance);
    return utterance;
  }

  /** XADDs exactly this utterance (again). */
  async add(utterance: UtteranceEvent): Promise<void> {
    await this.ns.redis.xadd(this.ns.key(Streams.utterances), '*', 'event', JSON.stringify(utterance));
  }

  /** The turn's TTS jobs, by index. */
  async jobs(turnId: string): Promise<TtsJobData[]> {
    const jobs = await this.queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized']);
    return jobs
      .filter((job) => job?.data.turnId === turnId)
      .map((job) => job.data)
      .sort((a, b) => a.index - b.index);
  }

  async speechEnds(turnId: string): Promise<SpeechEndEvent[]> {
    const entries = await this.ns.redis.xrange(this.ns.key(Streams.speech), '-', '+');
    const ends: SpeechEndEvent[] = [];
    for (const [, fields] of entries) {
      const event = parseSpeechEvent(fields[1]!);
      if (event.type === 'speech.end' && event.turnId === turnId) ends.push(event);
    }
    return ends;
  }

  /** Waits for the turn's speech.end and returns it with the jobs. */
  async answer(turnId: string, timeoutMs = 30_000): Promise<{ end: SpeechEndEvent; jobs: TtsJobData[] }> {
    const [end] = await waitFor(
      `speech.end of turn ${turnId}`,
      async () => {
        const ends = await this.speechEnds(turnId);
        return ends.length > 0 ? ends : undefined;
      },
      timeoutMs,
    );
    return { end: end!, jobs: await this.jobs(turnId) };
  }

  /** Entries of the utterance stream delivered to the dialogue group and not yet acknowledged. */
  async pendingUtterances(): Promise<number> {
    const summary = (await this.ns.redis.xpending(this.ns.key(Streams.utterances), ConsumerGroups.dialogue)) as [
      number,
      ...unknown[],
    ];
    return Number(summary[0]);
  }

  /** Every notice written to stream:notices, oldest first, validated as the gateway reads them. */
  async notices(): Promise<NoticeEvent[]> {
    const entries = await this.ns.redis.xrange(this.ns.key(Streams.notices), '-', '+');
    return entries.map(([, fields]) => parseJson(NoticeEvent, fields[1]!));
  }

  /** The flags of the dialogue's current heartbeat (what the gateway shows guests). */
  async heartbeatFlags(): Promise<Record<string, unknown>> {
    const raw = await this.ns.redis.get(this.ns.key(Keys.heartbeat('dialogue')));
    return raw ? (JSON.parse(raw) as { flags: Record<string, unknown> }).flags : {};
  }

  async metrics(): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${this.metricsPort}/metrics`);
    return response.text();
  }

  /** The value of a metric with the given labels (0 when absent). */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    const line = (await this.metrics())
      .split('\n')
      .find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && wanted.every((w) => l.includes(w)));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  }
}
