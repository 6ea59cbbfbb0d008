import { Inject, Injectable } from '@nestjs/common';
import { AccessToken, TrackSource } from 'livekit-server-sdk';
import { CONFIG } from '@dh/runtime';
import type { GatewayConfig } from '../gateway.config.js';

export interface GuestTicket {
  identity: string;
  name: string;
  room: string;
}

/** LiveKit access tokens for guests: one room, a short life, standard participants (never agents). */
@Injectable()
export class TokenIssuer {
  constructor(@Inject(CONFIG) private readonly config: GatewayConfig) {}

  async issue(ticket: GuestTicket): Promise<string> {
    const token = new AccessToken(this.config.LIVEKIT_API_KEY, this.config.LIVEKIT_API_SECRET, {
      identity: ticket.identity,
      name: ticket.name,
      ttl: this.config.TOKEN_TTL_S,
    });
    token.addGrant({
      room: ticket.room,
      roomJoin: true,
      canPublish: true,
      canPublishData: true,
      canSubscribe: true,
      canPublishSources: this.publishSources(),
    });
    return token.toJwt();
  }

  /** Microphone always; camera while the bandwidth budget allows (the bandwidth governor will decide this). */
  private publishSources(): TrackSource[] {
    return [TrackSource.MICROPHONE, TrackSource.CAMERA];
  }
}
