import { dispose } from '@livekit/rtc-node';
import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import {
  AVATAR_IDENTITY,
  ConsumerGroups,
  Keys,
  type SpeechEndEvent,
  type SpeechSentenceEvent,
  Streams,
  type UtteranceEvent,
  encodeAudioBlob,
} from '@dh/contracts';
import {
  GuestClient,
  RedisNamespace,
  type RunningLiveKit,
  ServiceProcess,
  freePort,
  startLiveKit,
  waitFor,
} from '@dh/testing';

/** A tone that reads as voice to the guest's level detector: `ms` of 220 Hz at 22.05 kHz, like espeak's output. */
export function toneBlob(ms: number): Buffer {
  const rate = 22_050;
  const samples = Buffer.alloc(Math.round((rate * ms) / 1000) * 2);
  for (let i = 0; i < samples.length / 2; i += 1) {
    samples.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 220 * i) / rate)), i * 2);
  }
  return encodeAudioBlob({ sampleRate: rate, samples });
}

/** Real Redis (own prefix), a real LiveKit server and the real media process; dialogue and tts are played by the test. */
export class MediaHarness {
  readonly ns = new RedisNamespace();
  livekit!: RunningLiveKit;
  media!: ServiceProcess;
  metricsPort = 0;

  async start(env: Record<string, string> = {}): Promise<void> {
    this.livekit = await startLiveKit();
    this.metricsPort = await freePort();
    this.media = new ServiceProcess({
      name: 'media',
      env: {
        REDIS_URL: this.ns.url,
        REDIS_PREFIX: this.ns.prefix,
        LIVEKIT_URL: this.livekit.url,
        LIVEKIT_API_KEY: this.livekit.apiKey,
        LIVEKIT_API_SECRET: this.livekit.apiSecret,
        METRICS_PORT: String(this.metricsPort),
        ROOM_IDLE_LEAVE_S: '5',
        LOG_LEVEL: 'info',
        ...env,
      },
    });
    await this.media.start();
  }

  async stop(): Promise<void> {
    await this.media?.stop();
    await this.livekit?.stop();
    await this.ns.cleanup();
    await dispose();
  }

  get roomService(): RoomServiceClient {
    return new RoomServiceClient(this.livekit.httpUrl, this.livekit.apiKey, this.livekit.apiSecret);
  }

  async requestAvatar(room: string): Promise<void> {
    await this.ns.redis.xadd(
      this.ns.key(Streams.avatarRequests),
      '*',
      'event',
      JSON.stringify({ type: 'avatar.request', room, at: Date.now() }),
    );
  }

  async avatarIn(room: string): Promise<boolean> {
    const participants = await this.roomService.listParticipants(room).catch(() => []);
    return participants.some((p) => p.identity === AVATAR_IDENTITY);
  }

  async guest(room: string, identity: string, name: string): Promise<GuestClient> {
    const token = new AccessToken(this.livekit.apiKey, this.livekit.apiSecret, { identity, name, ttl: '10m' });
    token.addGrant({ room, roomJoin: true, canPublish: true, canPublishData: true, canSubscribe: true });
    const guest = new GuestClient({ url: this.livekit.url, token: await token.toJwt(), room, identity });
    await guest.connect();
    return guest;
  }

  async utterances(): Promise<UtteranceEvent[]> {
    const entries = await this.ns.redis.xrange(this.ns.key(Streams.utterances), '-', '+');
    return entries.map(([, fields]) => JSON.parse(fields[1]!) as UtteranceEvent);
  }

  async waitForUtterances(count: number): Promise<UtteranceEvent[]> {
    return waitFor(`${count} utterances`, async () => {
      const all = await this.utterances();
      return all.length >= count ? all : undefined;
    });
  }

  /** Plays the dialogue and tts: one answer of `texts`, with audio stored like the tts service stores it. */
  async answer(utterance: UtteranceEvent, texts: string[], options: { order?: number[]; toneMs?: number } = {}) {
    const order = options.order ?? texts.map((_, i) => i);
    for (const index of order) {
      const audioKey = Keys.ttsAudio(`test-${utterance.turnId}-${index}`);
      await this.ns.redis.set(this.ns.key(audioKey), toneBlob(options.toneMs ?? 300), 'EX', 600);
      const sentence: SpeechSentenceEvent = {
        type: 'speech.sentence',
        turnId: utterance.turnId,
        room: utterance.room,
        seq: utterance.seq,
        index,
        text: texts[index]!,
        audioKey,
        sampleRate: 22_050,
        llmMs: 0,
        synthMs: 0,
        at: utterance.at,
      };
      await this.addSpeech(sentence);
    }
    const end: SpeechEndEvent = {
      type: 'speech.end',
      turnId: utterance.turnId,
      room: utterance.room,
      seq: utterance.seq,
      sentences: texts.length,
      outcome: 'answered',
      at: Date.now(),
    };
    await this.addSpeech(end);
  }

  async addSpeech(event: object): Promise<void> {
    await this.ns.redis.xadd(this.ns.key(Streams.speech), '*', 'event', JSON.stringify(event));
  }

  async speechPending(): Promise<number> {
    const summary = (await this.ns.redis.xpending(this.ns.key(Streams.speech), ConsumerGroups.media)) as [number];
    return Number(summary[0]);
  }

  async metrics(): Promise<string> {
    return (await fetch(`http://127.0.0.1:${this.metricsPort}/metrics`)).text();
  }
}
