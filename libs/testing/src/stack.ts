import { dispose } from '@livekit/rtc-node';
import { ConsumerGroups, type ServiceName, ServiceNames, Streams, bullPrefix, TTS_QUEUE } from '@dh/contracts';
import { FakeDeepSeek } from './fake-deepseek.js';
import { GuestClient } from './guest-client.js';
import { type RunningLiveKit, startLiveKit } from './livekit-server.js';
import { freePorts } from './ports.js';
import { RedisNamespace } from './redis-namespace.js';
import { ServiceProcess } from './service-process.js';
import { waitFor } from './wait.js';

export interface StackOptions {
  /** Extra environment for every service (e.g. a short time-out), or per service. */
  env?: Record<string, string>;
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Give no DeepSeek key: the offline persona answers. */
  offline?: boolean;
  /** Sees every line every service writes (e.g. to prove a secret never reaches a log). */
  onServiceLine?: (service: ServiceName, line: string) => void;
}

/**
 * The whole product on this machine for end-to-end tests: real Redis (own prefix), a real LiveKit server,
 * the four services as real processes, and DeepSeek replaced by a local fake that speaks its protocol.
 */
export class Stack {
  readonly ns = new RedisNamespace();
  readonly deepseek = new FakeDeepSeek({ apiKey: 'sk-test-key' });
  livekit!: RunningLiveKit;
  readonly services = {} as Record<ServiceName, ServiceProcess>;
  readonly metricsPorts = {} as Record<ServiceName, number>;
  gatewayUrl = '';
  private readonly guests: GuestClient[] = [];

  constructor(private readonly options: StackOptions = {}) {}

  async start(): Promise<this> {
    await this.deepseek.start();
    this.livekit = await startLiveKit();
    const [publicPort, ...metrics] = await freePorts(5);
    this.gatewayUrl = `http://127.0.0.1:${publicPort}`;
    const common: Record<string, string> = {
      REDIS_URL: this.ns.url,
      REDIS_PREFIX: this.ns.prefix,
      LIVEKIT_URL: this.livekit.url,
      LIVEKIT_API_KEY: this.livekit.apiKey,
      LIVEKIT_API_SECRET: this.livekit.apiSecret,
      DEEPSEEK_BASE_URL: this.deepseek.url,
      DEEPSEEK_API_KEY: this.options.offline ? '' : 'sk-test-key',
      PUBLIC_PORT: String(publicPort),
      PUBLIC_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      // The governor watches this stack's LiveKit; the machine's own interfaces (shared with whatever else runs
      // here) are left out so that they cannot make tests refuse guests.
      LIVEKIT_METRICS_URL: this.livekit.metricsUrl,
      TRAFFIC_NET_DEV_PATH: '/dev/null',
      ...this.options.env,
    };
    ServiceNames.forEach((name, i) => {
      this.metricsPorts[name] = metrics[i]!;
      this.services[name] = new ServiceProcess({
        name,
        env: { ...common, METRICS_PORT: String(metrics[i]), ...this.options.serviceEnv?.[name] },
        ...(this.options.onServiceLine ? { onLine: (line: string) => this.options.onServiceLine?.(name, line) } : {}),
      });
    });
    await Promise.all(ServiceNames.map((name) => this.services[name].start()));
    await waitFor('a healthy stack', async () => (await fetch(`${this.gatewayUrl}/api/health`)).status === 200, 20_000);
    return this;
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.guests.map((guest) => guest.disconnect()));
    await Promise.allSettled(ServiceNames.map((name) => this.services[name]?.stop()));
    await this.livekit?.stop();
    await this.deepseek.stop();
    await this.ns.cleanup();
    // rtc-node's native side keeps the process alive until disposed; guests are gone by now.
    await dispose();
  }

  /** A guest who joins through the gateway (private room unless `room`), connected and seeing the avatar. */
  async guest(name: string, room?: string): Promise<GuestClient> {
    const guest = await GuestClient.joinVia(this.gatewayUrl, room ? { name, room } : { name });
    this.guests.push(guest);
    await guest.waitForAvatar();
    return guest;
  }

  async metrics(service: ServiceName): Promise<string> {
    return (await fetch(`http://127.0.0.1:${this.metricsPorts[service]}/metrics`)).text();
  }

  /** Entries delivered and not yet acknowledged, per consumer group, plus BullMQ jobs not finished. */
  async pending(): Promise<{ utterances: number; speech: number; ttsJobs: number }> {
    const count = async (stream: string, group: string) => {
      const summary = (await this.ns.redis.xpending(this.ns.key(stream), group).catch(() => [0])) as [number];
      return Number(summary[0]);
    };
    const queue = `${bullPrefix(this.ns.prefix)}:${TTS_QUEUE}`;
    const [wait, active, delayed, prioritized] = await Promise.all([
      this.ns.redis.llen(`${queue}:wait`),
      this.ns.redis.llen(`${queue}:active`),
      this.ns.redis.zcard(`${queue}:delayed`),
      this.ns.redis.zcard(`${queue}:prioritized`),
    ]);
    return {
      utterances: await count(Streams.utterances, ConsumerGroups.dialogue),
      speech: await count(Streams.speech, ConsumerGroups.media),
      ttsJobs: wait + active + delayed + prioritized,
    };
  }
}
