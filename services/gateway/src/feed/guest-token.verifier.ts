import { Inject, Injectable } from '@nestjs/common';
import { AVATAR_IDENTITY, ROOM_NAME_PATTERN } from '@dh/contracts';
import { AccessTokenError, verifyAccessToken } from '@dh/livekit';
import { CONFIG } from '@dh/runtime';
import type { GatewayConfig } from '../gateway.config.js';
import type { FeedGuest } from './feed-session.js';

/**
 * The guest of a LiveKit token from /api/join: signed with our secret, issued by our key, not expired, for
 * one of our rooms. Refused tokens throw AccessTokenError (its reason is safe to log; the token is not).
 */
@Injectable()
export class GuestTokenVerifier {
  constructor(@Inject(CONFIG) private readonly config: GatewayConfig) {}

  async verify(token: string): Promise<FeedGuest> {
    const verified = await verifyAccessToken(
      { apiKey: this.config.LIVEKIT_API_KEY, apiSecret: this.config.LIVEKIT_API_SECRET },
      token,
    );
    if (!ROOM_NAME_PATTERN.test(verified.room)) throw new AccessTokenError('not a guest room');
    if (verified.identity === AVATAR_IDENTITY) throw new AccessTokenError('not a guest');
    return { identity: verified.identity, name: verified.name, room: verified.room };
  }
}
