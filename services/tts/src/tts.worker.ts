import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { SchemaError, TTS_QUEUE, TtsJobData, bullPrefix } from '@dh/contracts';
import type { Logger, ServiceMetrics } from '@dh/observability';
import { CONFIG, LOGGER, METRICS } from '@dh/runtime';
import { TurnCancels, createRedis } from '@dh/streams';
import { TtsError, isRetryable } from './engines/tts-error.js';
import { SpeechPublisher } from './speech-publisher.js';
import type { TtsConfig } from './tts.config.js';
import { TtsService } from './tts.service.js';

/** The attempt now running is the job's last: attempts and backoff are the producer's (TTS_JOB_OPTIONS). */
function isFinalAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= Math.max(1, job.opts.attempts ?? 1);
}

function errorCode(error: unknown): string {
  return error instanceof TtsError ? error.code : error instanceof Error ? error.name : 'unknown';
}

/**
 * Consumes the BullMQ queue `tts`: each job is one sentence; its audio goes to Redis and a `speech.sentence`
 * event to media. Every sentence gets its event, with `audioKey: null` once synthesis has finally failed, so
 * media shows the subtitle and moves on instead of waiting for audio that will never come. Media
 * deduplicates by (turnId, index), so the repeat a crash between XADD and completion causes is harmless.
 */
@Injectable()
export class TtsWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker: Worker | undefined;
  private connection: Redis | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: TtsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    private readonly tts: TtsService,
    private readonly publisher: SpeechPublisher,
    private readonly cancels: TurnCancels,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { config } = this;
    // BullMQ leaves a connection it is given open on close, and duplicates it for its blocking fetch.
    this.connection = createRedis(config.REDIS_URL, { connectionName: 'tts:worker', blocking: true });
    const worker = new Worker(
      TTS_QUEUE,
      (job: Job, _token?: string, signal?: AbortSignal) => this.process(job, signal),
      {
        connection: this.connection,
        prefix: bullPrefix(config.REDIS_PREFIX),
        name: 'tts',
        concurrency: config.TTS_CONCURRENCY,
        // A job whose worker died is seen as stalled once its lock has expired and a stalled check has run
        // twice (mark, then move), so it is taken again within about 2 × TTS_LOCK_MS of the crash.
        lockDuration: config.TTS_LOCK_MS,
        stalledInterval: Math.max(500, Math.round(config.TTS_LOCK_MS / 2)),
      },
    );
    this.worker = worker;
    worker.on('error', (error) => this.logger.error({ err: error.message }, 'tts worker error'));
    worker.on('stalled', (jobId) => this.logger.warn({ jobId }, 'tts job stalled; taken again'));
    worker.on('failed', (job, error) => void this.onFailed(job, error));
    await worker.waitUntilReady();
    this.logger.info(
      { queue: TTS_QUEUE, concurrency: config.TTS_CONCURRENCY, engine: config.TTS_ENGINE },
      'tts worker started',
    );
  }

  /** Before Redis closes: lets the jobs in hand finish (espeak takes milliseconds), then drops the connection. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }

  private async process(job: Job, signal: AbortSignal | undefined): Promise<void> {
    let data: TtsJobData;
    try {
      data = TtsJobData(job.data, '$');
    } catch (error) {
      if (!(error instanceof SchemaError)) throw error;
      this.metrics.ttsJobs.inc({ result: 'failed' });
      this.logger.warn({ jobId: job.id, problem: error.message }, 'tts job rejected: invalid data');
      throw new UnrecoverableError(`invalid job data: ${error.message}`);
    }
    const context = { jobId: job.id, turnId: data.turnId, index: data.index, attempt: job.attemptsMade + 1 };
    if (await this.cancels.isCancelled(data.turnId)) {
      // The guest spoke over this answer: nobody will hear the rest, so it costs no synthesis.
      this.metrics.ttsJobs.inc({ result: 'cancelled' });
      this.logger.debug(context, 'tts sentence skipped: the answer was interrupted');
      return;
    }
    let audio: Awaited<ReturnType<TtsService['speak']>>;
    try {
      audio = await this.tts.speak(data.text, signal);
    } catch (error) {
      const code = errorCode(error);
      const message = (error as Error).message;
      if (isRetryable(error) && !isFinalAttempt(job)) {
        this.metrics.ttsJobs.inc({ result: 'retry' });
        this.logger.warn({ ...context, code, err: message }, 'tts attempt failed; will retry');
        throw error;
      }
      this.metrics.ttsJobs.inc({ result: 'failed' });
      this.logger.error({ ...context, code, err: message }, 'tts failed; sentence goes out without audio');
      await this.publisher.publishSentence(data, { audioKey: null, sampleRate: this.tts.sampleRate, synthMs: 0 });
      throw new UnrecoverableError(`synthesis failed (${code})`);
    }
    await this.publisher.publishSentence(data, audio);
    this.metrics.ttsJobs.inc({ result: 'ok' });
    this.logger.debug({ ...context, synthMs: audio.synthMs, cached: audio.synthMs === 0 }, 'tts sentence ready');
  }

  /**
   * A job that stalled more often than BullMQ allows is failed by the worker that next picks it up, without
   * our processor running: its sentence still needs its (audio-less) event.
   */
  private async onFailed(job: Job | undefined, error: Error): Promise<void> {
    if (!job?.deferredFailure || error.message !== job.deferredFailure) return;
    this.metrics.ttsJobs.inc({ result: 'failed' });
    let data: TtsJobData;
    try {
      data = TtsJobData(job.data, '$');
    } catch {
      return;
    }
    this.logger.error(
      { jobId: job.id, turnId: data.turnId, index: data.index, err: error.message },
      'tts job failed by stalling; sentence goes out without audio',
    );
    await this.publisher
      .publishSentence(data, { audioKey: null, sampleRate: this.tts.sampleRate, synthMs: 0 })
      .catch((publishError: unknown) =>
        this.logger.error({ jobId: job.id, err: (publishError as Error).message }, 'cannot publish failed sentence'),
      );
  }
}
