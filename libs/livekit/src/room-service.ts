import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type LiveKitCredentials, type TrackSourceName, type VideoGrant, signAccessToken } from './access-token.js';

/** A failed call to LiveKit's server API: `status` is the HTTP status, 0 when the server was not reached. */
export class LiveKitApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'LiveKitApiError';
  }

  get retryable(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}

export interface RoomSummary {
  name: string;
  sid: string;
}

export interface TrackSummary {
  sid: string;
  /** `AUDIO`, `VIDEO` or `DATA`. */
  type: string;
  /** `CAMERA`, `MICROPHONE`, `SCREEN_SHARE`, `SCREEN_SHARE_AUDIO` or `UNKNOWN`. */
  source: string;
  muted: boolean;
}

export interface ParticipantSummary {
  identity: string;
  name: string;
  /** `STANDARD`, `AGENT`, `INGRESS`, `EGRESS`, `SIP`, ... as LiveKit names them. */
  kind: string;
  state: string;
  tracks: TrackSummary[];
}

interface RawTrack {
  sid?: string;
  type?: string;
  source?: string;
  muted?: boolean;
}

interface RawParticipant {
  identity?: string;
  name?: string;
  kind?: string;
  state?: string;
  tracks?: RawTrack[];
}

/** What a participant may do, as UpdateParticipant sets it (every field: the call replaces the whole set). */
export interface ParticipantPermission {
  canSubscribe: boolean;
  canPublish: boolean;
  canPublishData: boolean;
  canPublishSources: TrackSourceName[];
}

export interface RoomServiceOptions {
  /** Per call. Default 3 000 ms. */
  timeoutMs?: number;
}

/**
 * The calls of LiveKit's RoomService this project makes (Twirp, JSON over HTTP POST), on node:http:
 * no SDK, no fetch, so nothing heavy is loaded into services with a 100 MB budget.
 */
export class RoomService {
  private readonly base: URL;
  private readonly timeoutMs: number;

  constructor(
    url: string,
    private readonly credentials: LiveKitCredentials,
    options: RoomServiceOptions = {},
  ) {
    this.base = new URL(url.replace(/^ws/, 'http'));
    this.timeoutMs = options.timeoutMs ?? 3_000;
  }

  async listRooms(timeoutMs = this.timeoutMs): Promise<RoomSummary[]> {
    const reply = (await this.call('ListRooms', {}, { roomList: true }, timeoutMs)) as {
      rooms?: { name?: string; sid?: string }[];
    };
    return (reply.rooms ?? []).map((room) => ({ name: room.name ?? '', sid: room.sid ?? '' }));
  }

  /** Everyone in `room`; an empty list when the room does not exist (it closed a moment ago). */
  async listParticipants(room: string): Promise<ParticipantSummary[]> {
    try {
      const reply = (await this.call('ListParticipants', { room }, { roomAdmin: true, room })) as {
        participants?: RawParticipant[];
      };
      return (reply.participants ?? []).map(summary);
    } catch (error) {
      if (error instanceof LiveKitApiError && error.status === 404) return [];
      throw error;
    }
  }

  /** One participant, or null when they are not in the room. */
  async getParticipant(room: string, identity: string): Promise<ParticipantSummary | null> {
    try {
      return summary(
        (await this.call('GetParticipant', { room, identity }, { roomAdmin: true, room })) as RawParticipant,
      );
    } catch (error) {
      if (error instanceof LiveKitApiError && error.status === 404) return null;
      throw error;
    }
  }

  /**
   * Mutes (or unmutes) a participant's published track from the server: LiveKit stops forwarding it at once and
   * asks the publisher to stop sending. Unmuting needs `room.enable_remote_unmute` in LiveKit's config.
   */
  async mutePublishedTrack(room: string, identity: string, trackSid: string, muted: boolean): Promise<void> {
    await this.call('MutePublishedTrack', { room, identity, trackSid, muted }, { roomAdmin: true, room });
  }

  /** Replaces what a participant may publish and subscribe to (LiveKit unpublishes what is no longer allowed). */
  async updatePermission(room: string, identity: string, permission: ParticipantPermission): Promise<void> {
    const wire = {
      ...permission,
      canPublishSources: permission.canPublishSources.map((source) => source.toUpperCase()),
    };
    await this.call('UpdateParticipant', { room, identity, permission: wire }, { roomAdmin: true, room });
  }

  private async call(method: string, body: object, grant: VideoGrant, timeoutMs = this.timeoutMs): Promise<unknown> {
    const token = await signAccessToken(this.credentials, { ttlS: 600, video: grant });
    const url = new URL(`/twirp/livekit.RoomService/${method}`, this.base);
    const payload = JSON.stringify(body);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        url,
        {
          method: 'POST',
          timeout: timeoutMs,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            authorization: `Bearer ${token}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status !== 200) {
              reject(new LiveKitApiError(status, `LiveKit ${method} failed with ${status}: ${text.slice(0, 200)}`));
              return;
            }
            try {
              resolve(JSON.parse(text));
            } catch {
              reject(new LiveKitApiError(status, `LiveKit ${method} answered with invalid JSON`));
            }
          });
          res.on('error', (error) => reject(new LiveKitApiError(0, error.message)));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
      req.on('error', (error) => reject(new LiveKitApiError(0, `LiveKit ${method} unreachable: ${error.message}`)));
      req.end(payload);
    });
  }
}

function summary(raw: RawParticipant): ParticipantSummary {
  // Proto3 JSON leaves out default values: a standard participant may carry no `kind` at all.
  return {
    identity: raw.identity ?? '',
    name: raw.name ?? '',
    kind: raw.kind ?? 'STANDARD',
    state: raw.state ?? '',
    tracks: (raw.tracks ?? []).map((track) => ({
      sid: track.sid ?? '',
      type: track.type ?? 'AUDIO',
      source: track.source ?? 'UNKNOWN',
      muted: track.muted ?? false,
    })),
  };
}
