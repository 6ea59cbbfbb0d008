import { Inject, Injectable } from '@nestjs/common';
import { type TrackSourceName, signAccessToken } from '@dh/livekit';
import { CONFIG } from '@dh/runtime';
import { BandwidthGovernor } from '../bandwidth/bandwidth-governor.service.js';
import type { GatewayConfig } from '../gateway.config.js';

export interface GuestTicket {
  identity: string;
  name: string;
  room: string;
}

/** LiveKit access tokens for guests: one room, a short life, standard participants (never agents). */
@Injectable()
export class TokenIssuer {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    private readonly governor: BandwidthGovernor,
  ) {}

  async issue(ticket: GuestTicket): Promise<string> {
    return signAccessToken(
      { apiKey: this.config.LIVEKIT_API_KEY, apiSecret: this.config.LIVEKIT_API_SECRET },
      {
        identity: ticket.identity,
        name: ticket.name,
        ttlS: this.config.TOKEN_TTL_S,
        video: {
          room: ticket.room,
          roomJoin: true,
          canPublish: true,
          canPublishData: true,
          canSubscribe: true,
          canPublishSources: this.publishSources(),
        },
      },
    );
  }

  /** Microphone always; camera while the bandwidth governor allows it. */
  private publishSources(): TrackSourceName[] {
    return this.governor.allowsCamera ? ['microphone', 'camera'] : ['microphone'];
  }
}
