import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { dispose } from '@livekit/rtc-node';
import type { Redis } from 'ioredis';
import {
  AvatarRequestEvent,
  ConsumerGroups,
  Streams,
  type SpeechEvent,
  parseJson,
  parseSpeechEvent,
} from '@dh/contracts';
import type { Logger, ServiceMetrics } from '@dh/observability';
import { CONFIG, KEYS, LOGGER, METRICS, REDIS } from '@dh/runtime';
import {
  IdempotencyStore,
  type KeyPrefix,
  StreamConsumer,
  StreamProducer,
  TurnCancels,
  createRedis,
} from '@dh/streams';
import type { MediaConfig } from './media.config.js';
import { SileroVad } from './listening/silero-vad.js';
import { SpeechRouter } from './playback/speech-router.js';
import { OpenAiSttEngine } from './stt/openai-stt.engine.js';
import { LiveKitAccess } from './rooms/livekit-access.js';
import { RoomManager } from './rooms/room-manager.js';

/**
 * Wires the avatar: avatar requests (from the gateway) bring it into rooms, speech events (from tts and
 * dialogue) are played in them. Both streams are consumed at least once; entries are acknowledged after
 * the avatar joined or the sentence was played.
 */
@Injectable()
export class MediaService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly rooms: RoomManager;
  private readonly consumers: StreamConsumer<unknown>[] = [];

  constructor(
    @Inject(CONFIG) private readonly config: MediaConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(KEYS) private readonly keys: KeyPrefix,
    idempotency: IdempotencyStore,
    cancels: TurnCancels,
  ) {
    const livekit = new LiveKitAccess(config.LIVEKIT_URL, config.LIVEKIT_API_KEY, config.LIVEKIT_API_SECRET);
    this.rooms = new RoomManager(
      config,
      livekit,
      redis,
      keys,
      new StreamProducer(redis, keys),
      idempotency,
      metrics,
      logger,
      cancels,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.enableListening();
    const router = new SpeechRouter(this.rooms, this.redis, this.keys, this.config.SPEECH_STALE_MS, this.logger);
    const common = {
      redis: this.redis,
      keys: this.keys,
      group: ConsumerGroups.media,
      consumer: this.config.MEDIA_CONSUMER,
      logger: this.logger,
      metrics: this.metrics,
    };
    const requests = new StreamConsumer({
      ...common,
      blockingRedis: this.blockingConnection('avatar-requests'),
      stream: Streams.avatarRequests,
      parse: (raw) => parseJson(AvatarRequestEvent, raw),
      partitionKey: (event) => event.room,
      handle: async (event) => {
        await this.rooms.ensure(event.room);
      },
    });
    const speech = new StreamConsumer<SpeechEvent>({
      ...common,
      blockingRedis: this.blockingConnection('speech'),
      stream: Streams.speech,
      parse: parseSpeechEvent,
      // Held until played: enough room for every sentence of every room's queued answers.
      maxInFlight: 1_000,
      handle: (event) => router.route(event),
    });
    this.consumers.push(requests as StreamConsumer<unknown>, speech as StreamConsumer<unknown>);
    await this.rooms
      .recover()
      .catch((error: unknown) =>
        this.logger.warn({ err: (error as Error).message }, 'could not list rooms at start; waiting for requests'),
      );
    await requests.start();
    await speech.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop(1_000)));
    await this.rooms.stop();
    await dispose();
  }

  /** With an STT service configured, the avatar listens: Silero VAD in this process, STT over HTTP. */
  private async enableListening(): Promise<void> {
    const c = this.config;
    if (!c.STT_BASE_URL || !c.STT_MODEL) {
      this.logger.info('voice input off: STT_BASE_URL is not set');
      return;
    }
    const stt = new OpenAiSttEngine({
      baseUrl: c.STT_BASE_URL,
      model: c.STT_MODEL,
      timeoutMs: c.STT_TIMEOUT_MS,
      maxAttempts: c.STT_MAX_ATTEMPTS,
      ...(c.STT_API_KEY ? { apiKey: c.STT_API_KEY } : {}),
      ...(c.STT_LANGUAGE ? { language: c.STT_LANGUAGE } : {}),
    });
    this.rooms.enableListening({
      vad: await SileroVad.load(),
      stt,
      ears: {
        quietDbfs: c.VAD_QUIET_DBFS,
        endpointer: {
          endSilenceMs: c.VAD_END_SILENCE_MS,
          minSpeechMs: c.VAD_MIN_SPEECH_MS,
          maxUtteranceMs: c.VAD_MAX_UTTERANCE_MS,
        },
      },
      metrics: this.metrics,
      logger: this.logger,
    });
    this.logger.info({ sttModel: c.STT_MODEL }, 'voice input on');
  }

  private blockingConnection(stream: string) {
    return createRedis(this.config.REDIS_URL, { connectionName: `media:${stream}`, blocking: true });
  }
}
