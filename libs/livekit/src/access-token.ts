import { SignJWT } from 'jose';

/** The key pair a LiveKit server is configured with. */
export interface LiveKitCredentials {
  apiKey: string;
  apiSecret: string;
}

export type TrackSourceName = 'camera' | 'microphone' | 'screen_share' | 'screen_share_audio';

/** LiveKit's video grant: what the token's holder may do (only the fields this project uses). */
export interface VideoGrant {
  room?: string;
  roomJoin?: boolean;
  roomList?: boolean;
  roomAdmin?: boolean;
  canPublish?: boolean;
  canSubscribe?: boolean;
  canPublishData?: boolean;
  canPublishSources?: TrackSourceName[];
  canUpdateOwnMetadata?: boolean;
  hidden?: boolean;
}

export interface AccessTokenOptions {
  /** Required to join a room. */
  identity?: string;
  name?: string;
  ttlS: number;
  /** `agent` for the avatar; guests are standard participants (no kind). */
  kind?: 'agent';
  attributes?: Record<string, string>;
  video: VideoGrant;
}

/**
 * A LiveKit access token: an HS256 JWT with the API key as issuer, the identity as subject, and the grants as
 * claims, exactly as LiveKit's server SDKs write it. Signed with jose, without the SDK: its protocol
 * definitions and fetch cost a service about 20 MB of memory (measured), and we need two calls of its API.
 */
export async function signAccessToken(credentials: LiveKitCredentials, options: AccessTokenOptions): Promise<string> {
  if (options.video.roomJoin && !options.identity) throw new Error('identity is required to join a room');
  const claims: Record<string, unknown> = { video: options.video };
  if (options.name !== undefined) claims.name = options.name;
  if (options.kind !== undefined) claims.kind = options.kind;
  if (options.attributes !== undefined) claims.attributes = options.attributes;
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(credentials.apiKey)
    .setNotBefore(new Date())
    .setExpirationTime(Math.floor(Date.now() / 1000) + options.ttlS);
  if (options.identity) jwt.setSubject(options.identity);
  return jwt.sign(new TextEncoder().encode(credentials.apiSecret));
}
