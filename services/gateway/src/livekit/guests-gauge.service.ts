import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ServiceMetrics } from '@dh/observability';
import { METRICS } from '@dh/runtime';
import { LiveKitRooms } from './livekit-rooms.client.js';

const REFRESH_MS = 5_000;

/** Keeps `dh_guests` current from LiveKit; while LiveKit is down the gauge keeps its last value. */
@Injectable()
export class GuestsGauge implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private refreshing = false;

  constructor(
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    private readonly rooms: LiveKitRooms,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.timer.unref();
    void this.refresh();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      this.metrics.guests.set((await this.rooms.snapshot()).guestCount);
    } catch {
      // LiveKit is down: the health check reports it; a gauge refresh has nothing to add.
    } finally {
      this.refreshing = false;
    }
  }
}
