import { Inject, Injectable } from '@nestjs/common';
import { AVATAR_IDENTITY } from '@dh/contracts';
import { RoomService, isGuestParticipant } from '@dh/livekit';
import { CONFIG } from '@dh/runtime';
import type { GatewayConfig } from '../gateway.config.js';

/** Who is in LiveKit right now, as far as admission cares. */
export interface RoomsSnapshot {
  /** Identities of guests connected in any room (the avatar and other agents excluded). */
  guests: Set<string>;
  /** Guest participants counted one by one (an identity in two rooms counts twice). */
  guestCount: number;
  /** Rooms where the avatar is a participant. */
  roomsWithAvatar: Set<string>;
}

/** One room's guest cameras, as the bandwidth governor sees them. */
export interface RoomVideo {
  room: string;
  /** Guests in the room: each receives every camera but their own. */
  guests: number;
  cameras: { identity: string; sid: string; muted: boolean }[];
}

/** The gateway's only door to LiveKit's server API. */
@Injectable()
export class LiveKitRooms {
  private readonly client: RoomService;

  constructor(@Inject(CONFIG) config: GatewayConfig) {
    this.client = new RoomService(
      config.LIVEKIT_URL,
      { apiKey: config.LIVEKIT_API_KEY, apiSecret: config.LIVEKIT_API_SECRET },
      { timeoutMs: 3_000 },
    );
  }

  /** Answers when LiveKit's API answers within ~1.5 s (the health check); throws otherwise. */
  async ping(): Promise<void> {
    await this.client.listRooms(1_500);
  }

  /** Every room's guest video tracks (cameras and screen shares). */
  async video(): Promise<RoomVideo[]> {
    const rooms = await this.client.listRooms();
    return Promise.all(
      rooms.map(async ({ name }) => {
        const guests = (await this.client.listParticipants(name)).filter(isGuestParticipant);
        const cameras = guests.flatMap((guest) =>
          guest.tracks
            .filter((track) => track.type === 'VIDEO')
            .map((track) => ({ identity: guest.identity, sid: track.sid, muted: track.muted })),
        );
        return { room: name, guests: guests.length, cameras };
      }),
    );
  }

  async muteTrack(room: string, identity: string, sid: string, muted: boolean): Promise<void> {
    await this.client.mutePublishedTrack(room, identity, sid, muted);
  }

  async snapshot(): Promise<RoomsSnapshot> {
    const rooms = await this.client.listRooms();
    const participants = await Promise.all(
      rooms.map(async (room) => ({ room: room.name, list: await this.client.listParticipants(room.name) })),
    );
    const snapshot: RoomsSnapshot = { guests: new Set(), guestCount: 0, roomsWithAvatar: new Set() };
    for (const { room, list } of participants) {
      for (const participant of list) {
        if (participant.identity === AVATAR_IDENTITY) snapshot.roomsWithAvatar.add(room);
        if (!isGuestParticipant(participant)) continue;
        snapshot.guests.add(participant.identity);
        snapshot.guestCount += 1;
      }
    }
    return snapshot;
  }
}
