import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Gauge } from 'prom-client';
import type { NoticeCode } from '@dh/contracts';
import type { Logger, ServiceMetrics } from '@dh/observability';
import { CONFIG, KEYS, LOGGER, METRICS, REDIS } from '@dh/runtime';
import { type KeyPrefix, NoticeWriter, type NoticeText } from '@dh/streams';
import type { GatewayConfig } from '../gateway.config.js';
import { LiveKitRooms, type RoomVideo } from '../livekit/livekit-rooms.client.js';
import { TrafficMeter } from '../traffic/traffic-meter.service.js';
import { GovernorLevel, GovernorPolicy } from './governor-policy.js';
import { PausedCamerasRepository } from './paused-cameras.repository.js';
import { SfuEgressMeter } from './sfu-egress-meter.js';

const NOTICES: Partial<Record<NoticeCode, NoticeText>> = {
  video_limited: {
    zh: '网络带宽紧张：新加入的访客暂时不能开摄像头，语音和文字照常。',
    en: 'Bandwidth is tight: guests who join now cannot turn on a camera; voice and text go on as usual.',
  },
  video_paused: {
    zh: '为节省带宽，访客视频已暂停，语音和文字照常。',
    en: 'Guest video is paused to save bandwidth; voice and text go on as usual.',
  },
  video_resumed: { zh: '带宽恢复了，视频已恢复。', en: 'Bandwidth is back: video has resumed.' },
};

/**
 * Keeps the server's egress under 85 % of BANDWIDTH_CAP_KBPS. Every few seconds it takes the larger of the
 * host's egress and LiveKit's own, lets the policy decide, and acts: no camera in new guests' tokens (limited),
 * every guest camera muted by the server and no new guests (paused), and everything given back, with notices,
 * when the room returns. LiveKit's `limit.bytes_per_sec` stays as the last guard behind it.
 */
@Injectable()
export class BandwidthGovernor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly policy: GovernorPolicy;
  private readonly sfu: SfuEgressMeter | undefined;
  private readonly notices: NoticeWriter;
  private readonly levelGauge: Gauge;
  private readonly sfuGauge: Gauge;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private egressBps = 0;

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: ServiceMetrics,
    @Inject(REDIS) redis: Redis,
    @Inject(KEYS) keys: KeyPrefix,
    private readonly traffic: TrafficMeter,
    private readonly rooms: LiveKitRooms,
    private readonly paused: PausedCamerasRepository,
  ) {
    this.policy = new GovernorPolicy({ capBps: config.BANDWIDTH_CAP_KBPS * 1000, holdMs: config.GOVERNOR_HOLD_MS });
    this.sfu = config.LIVEKIT_METRICS_URL ? new SfuEgressMeter(config.LIVEKIT_METRICS_URL) : undefined;
    this.notices = new NoticeWriter(redis, keys);
    this.levelGauge = new Gauge({
      name: 'dh_governor_level',
      help: 'Bandwidth governor: 0 open, 1 guest video limited, 2 guest video paused',
      registers: [metrics.registry],
    });
    this.sfuGauge = new Gauge({
      name: 'dh_sfu_egress_bits_per_second',
      help: 'LiveKit’s outgoing media as the governor sees it, bits per second',
      registers: [metrics.registry],
    });
    this.levelGauge.set(GovernorLevel.Open);
  }

  get level(): GovernorLevel {
    return this.policy.level;
  }

  /** New guests may publish a camera only while video is not being reined in. */
  get allowsCamera(): boolean {
    return this.policy.level === GovernorLevel.Open;
  }

  /** Whether one more guest fits under the line (their voice from the avatar included). */
  admitsGuest(): boolean {
    return this.policy.admits(this.egressBps, this.config.GOVERNOR_GUEST_KBPS * 1000);
  }

  async onApplicationBootstrap(): Promise<void> {
    const paused = await this.paused.list().catch(() => []);
    if (paused.length > 0) {
      this.policy.restorePaused();
      this.levelGauge.set(GovernorLevel.Paused);
      this.logger.info({ cameras: paused.length }, 'guest video still paused from before the restart');
    }
    this.timer = setInterval(() => void this.tick(), this.config.GOVERNOR_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const sfuBps = await this.sfu?.sample();
      if (sfuBps !== undefined) this.sfuGauge.set(Math.round(sfuBps));
      this.egressBps = Math.max(this.traffic.egressBps, sfuBps ?? 0);
      const video = await this.videoIfNeeded();
      const before = this.policy.level;
      const after = this.policy.update({ nowMs: Date.now(), egressBps: this.egressBps, videoViewers: viewers(video) });
      this.levelGauge.set(after);
      if (after !== before)
        this.logger.info(
          { from: before, to: after, egressBps: Math.round(this.egressBps) },
          'bandwidth governor level changed',
        );
      // Reaching or leaving the pause takes egress near the line or a level above open: `video` was taken.
      if (after === GovernorLevel.Paused) await this.pauseCameras(video ?? []);
      if (before === GovernorLevel.Paused && after !== GovernorLevel.Paused) await this.resumeCameras(video ?? []);
      if (before === GovernorLevel.Open && after === GovernorLevel.Limited) await this.notify('video_limited');
      if (before !== GovernorLevel.Paused && after === GovernorLevel.Paused) await this.notify('video_paused');
      if (before === GovernorLevel.Paused && after !== GovernorLevel.Paused) await this.notify('video_resumed');
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'bandwidth governor tick failed');
    } finally {
      this.ticking = false;
    }
  }

  /**
   * Who watches which camera matters only near the line or while video is reined in: far below it, and open,
   * LiveKit is not asked at all. Every tick that can pause or resume cameras has this snapshot.
   */
  private async videoIfNeeded(): Promise<RoomVideo[] | undefined> {
    const near = this.egressBps >= this.config.BANDWIDTH_CAP_KBPS * 1000 * 0.5;
    return near || this.policy.level !== GovernorLevel.Open ? this.rooms.video() : undefined;
  }

  /** Mutes every live guest camera (again, if a guest unmuted it themselves). */
  private async pauseCameras(video: RoomVideo[]): Promise<void> {
    for (const { room, cameras } of video) {
      for (const camera of cameras) {
        if (camera.muted) continue;
        // Listed before it is muted: a crash in between leaves at worst a camera unmuted that was never muted.
        await this.paused.add({ room, identity: camera.identity, sid: camera.sid });
        await this.rooms.muteTrack(room, camera.identity, camera.sid, true);
      }
    }
  }

  /** `video`: this tick's snapshot, so that only cameras still there are unmuted. */
  private async resumeCameras(video: RoomVideo[]): Promise<void> {
    const live = new Set(
      video.flatMap(({ room, cameras }) => cameras.map((c) => [room, c.identity, c.sid].join('\n'))),
    );
    for (const { room, identity, sid } of await this.paused.list()) {
      if (!live.has([room, identity, sid].join('\n'))) continue;
      await this.rooms.muteTrack(room, identity, sid, false).catch((error: unknown) => {
        this.logger.warn({ err: (error as Error).message }, 'camera not unmuted');
      });
    }
    await this.paused.clear();
  }

  private async notify(code: NoticeCode): Promise<void> {
    const text = NOTICES[code];
    if (text) await this.notices.write(code, text);
  }
}

/** Cameras times the guests who receive each (everyone in the room but its sender). */
function viewers(video: RoomVideo[] | undefined): number {
  return (video ?? []).reduce((sum, room) => sum + room.cameras.length * Math.max(0, room.guests - 1), 0);
}
