import { AGENT_STATE_ATTRIBUTE, AVATAR_IDENTITY } from '@dh/contracts';
import { type LiveKitCredentials, RoomService, isGuestParticipant, signAccessToken } from '@dh/livekit';
import type { Guest } from '../chat/utterance-intake.js';

/** Tokens and server API calls for the avatar, from the LiveKit key pair. */
export class LiveKitAccess {
  readonly rooms: RoomService;
  private readonly credentials: LiveKitCredentials;

  constructor(
    readonly url: string,
    apiKey: string,
    apiSecret: string,
  ) {
    this.credentials = { apiKey, apiSecret };
    this.rooms = new RoomService(url, this.credentials);
  }

  /** A guest's identity and name from the server, or null for agents and participants not in the room. */
  async lookupGuest(room: string, identity: string): Promise<Guest | null> {
    const participant = await this.rooms.getParticipant(room, identity);
    return participant && isGuestParticipant(participant) ? { identity, name: participant.name } : null;
  }

  /** Rooms of ours (by name) with at least one guest in them. */
  async roomsWithGuests(isOurs: (room: string) => boolean): Promise<string[]> {
    const rooms = (await this.rooms.listRooms()).filter((room) => isOurs(room.name));
    const withGuests = await Promise.all(
      rooms.map(async (room) =>
        (await this.rooms.listParticipants(room.name)).some(isGuestParticipant) ? room.name : null,
      ),
    );
    return withGuests.filter((name): name is string => name !== null);
  }

  /** The avatar's token: kind AGENT, starting in state `initializing`, allowed to publish its voice and text. */
  avatarToken(room: string): Promise<string> {
    return signAccessToken(this.credentials, {
      identity: AVATAR_IDENTITY,
      name: '开心',
      ttlS: 6 * 3600,
      kind: 'agent',
      attributes: { [AGENT_STATE_ATTRIBUTE]: 'initializing' },
      video: {
        room,
        roomJoin: true,
        canPublish: true,
        canPublishData: true,
        canSubscribe: true,
        canUpdateOwnMetadata: true,
      },
    });
  }
}
