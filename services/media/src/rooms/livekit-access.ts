import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import { AGENT_STATE_ATTRIBUTE, AVATAR_IDENTITY } from '@dh/contracts';

/** ParticipantInfo.Kind.AGENT in LiveKit's protocol (the server SDK does not re-export the enum). */
export const AGENT_KIND = 4;

/** Tokens and server API calls for the avatar, from the LiveKit key pair. */
export class LiveKitAccess {
  readonly rooms: RoomServiceClient;

  constructor(
    readonly url: string,
    private readonly apiKey: string,
    private readonly apiSecret: string,
  ) {
    this.rooms = new RoomServiceClient(url.replace(/^ws/, 'http'), apiKey, apiSecret);
  }

  /** A guest's identity and name from the server, or null for agents and participants not in the room. */
  async lookupGuest(room: string, identity: string): Promise<{ identity: string; name: string } | null> {
    const info = await this.rooms.getParticipant(room, identity);
    if (info.identity === AVATAR_IDENTITY || Number(info.kind) === AGENT_KIND) return null;
    return { identity: info.identity, name: info.name };
  }

  /** The avatar's token: kind AGENT, starting in state `initializing`, allowed to publish its voice and text. */
  async avatarToken(room: string): Promise<string> {
    const token = new AccessToken(this.apiKey, this.apiSecret, {
      identity: AVATAR_IDENTITY,
      name: '开心',
      ttl: '6h',
      attributes: { [AGENT_STATE_ATTRIBUTE]: 'initializing' },
    });
    token.kind = 'agent';
    token.addGrant({
      room,
      roomJoin: true,
      canPublish: true,
      canPublishData: true,
      canSubscribe: true,
      canUpdateOwnMetadata: true,
      hidden: false,
    });
    return token.toJwt();
  }
}
