import { Inject, Injectable } from '@nestjs/common';
import { type ParticipantInfo, RoomServiceClient, ServerError } from 'livekit-server-sdk';
import { AVATAR_IDENTITY } from '@dh/contracts';
import { CONFIG } from '@dh/runtime';
import type { GatewayConfig } from '../gateway.config.js';

/** `ParticipantInfo_Kind.AGENT` in @livekit/protocol (not a dependency of its own here). */
const AGENT_KIND = 4;

/** Who is in LiveKit right now, as far as admission cares. */
export interface RoomsSnapshot {
  /** Identities of guests connected in any room (the avatar and other agents excluded). */
  guests: Set<string>;
  /** Guest participants counted one by one (an identity in two rooms counts twice). */
  guestCount: number;
  /** Rooms where the avatar is a participant. */
  roomsWithAvatar: Set<string>;
}

export function isGuest(participant: Pick<ParticipantInfo, 'identity' | 'kind'>): boolean {
  return participant.identity !== AVATAR_IDENTITY && Number(participant.kind) !== AGENT_KIND;
}

/** The gateway's only door to LiveKit's server API. */
@Injectable()
export class LiveKitRooms {
  private readonly client: RoomServiceClient;
  /** For the health check: an answer or a failure within ~1.5 s. */
  private readonly quickClient: RoomServiceClient;

  constructor(@Inject(CONFIG) config: GatewayConfig) {
    // failover only concerns LiveKit Cloud hosts; off so a down server fails at once.
    this.client = new RoomServiceClient(config.LIVEKIT_URL, config.LIVEKIT_API_KEY, config.LIVEKIT_API_SECRET, {
      requestTimeout: 3,
      failover: false,
    });
    this.quickClient = new RoomServiceClient(config.LIVEKIT_URL, config.LIVEKIT_API_KEY, config.LIVEKIT_API_SECRET, {
      requestTimeout: 1.5,
      failover: false,
    });
  }

  /** Answers when LiveKit's API answers; throws otherwise. */
  async ping(): Promise<void> {
    await this.quickClient.listRooms();
  }

  async snapshot(): Promise<RoomsSnapshot> {
    const rooms = await this.client.listRooms();
    const participants = await Promise.all(
      rooms.map(async (room) => ({ room: room.name, list: await this.participantsOf(room.name) })),
    );
    const snapshot: RoomsSnapshot = { guests: new Set(), guestCount: 0, roomsWithAvatar: new Set() };
    for (const { room, list } of participants) {
      for (const participant of list) {
        if (participant.identity === AVATAR_IDENTITY) snapshot.roomsWithAvatar.add(room);
        if (!isGuest(participant)) continue;
        snapshot.guests.add(participant.identity);
        snapshot.guestCount += 1;
      }
    }
    return snapshot;
  }

  private async participantsOf(room: string): Promise<ParticipantInfo[]> {
    try {
      return await this.client.listParticipants(room);
    } catch (error) {
      // The room closed between listing rooms and listing its participants: nobody is in it.
      if (error instanceof ServerError && error.status === 404) return [];
      throw error;
    }
  }
}
