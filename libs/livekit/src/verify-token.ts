import { jwtVerify } from 'jose';
import type { LiveKitCredentials } from './access-token.js';

/** What a verified guest token says about its holder. */
export interface VerifiedAccessToken {
  identity: string;
  /** Empty when the token carries no name. */
  name: string;
  room: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

/** Any reason a token is refused; the message says why without repeating the token. */
export class AccessTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'AccessTokenError';
  }
}

/**
 * Checks a LiveKit access token the way LiveKit does: HS256 signed with the API secret, issued by the API
 * key, within its `nbf`..`exp` window (a few seconds of clock skew allowed), with a subject and a room grant.
 */
export async function verifyAccessToken(
  credentials: LiveKitCredentials,
  token: string,
  clockToleranceS = 5,
): Promise<VerifiedAccessToken> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(credentials.apiSecret), {
      algorithms: ['HS256'],
      issuer: credentials.apiKey,
      clockTolerance: clockToleranceS,
      requiredClaims: ['exp', 'sub'],
    }));
  } catch (error) {
    throw new AccessTokenError((error as { code?: string }).code ?? 'invalid token');
  }
  const video = payload.video as { room?: unknown } | undefined;
  const { sub, name, exp } = payload;
  if (typeof sub !== 'string' || sub.length === 0) throw new AccessTokenError('no subject');
  if (typeof video?.room !== 'string' || video.room.length === 0) throw new AccessTokenError('no room grant');
  if (name !== undefined && typeof name !== 'string') throw new AccessTokenError('name is not a string');
  return { identity: sub, name: name ?? '', room: video.room, expiresAt: exp as number };
}
