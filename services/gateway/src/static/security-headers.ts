/**
 * The origins the page's scripts may connect to besides its own: LiveKit's signalling (WebSocket), and the
 * same host over HTTP(S), where livekit-client checks why a connection failed (`/rtc/validate`).
 */
export function liveKitOrigins(publicUrl: string): string[] {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    return [];
  }
  const secure = url.protocol === 'wss:' || url.protocol === 'https:';
  return [`${secure ? 'wss' : 'ws'}://${url.host}`, `${secure ? 'https' : 'http'}://${url.host}`];
}

/**
 * Headers of the built page: scripts, styles, images and media from this origin only (nothing from a CDN,
 * nothing inline), connections to this origin (the API, /ws) and to LiveKit, microphone and camera for this
 * origin only, and no referrer sent anywhere.
 */
export function pageHeaders(livekitPublicUrl: string): Record<string, string> {
  const policy = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "media-src 'self'",
    "font-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    ['connect-src', "'self'", ...liveKitOrigins(livekitPublicUrl)].join(' '),
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': policy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': 'microphone=(self), camera=(self)',
  };
}

/**
 * The minimal page of `public/` carries its script and style inline, so it needs 'unsafe-inline'; it talks
 * to this origin only.
 */
export const LEGACY_PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': [
    "default-src 'none'",
    "script-src 'unsafe-inline'",
    "style-src 'unsafe-inline'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * The owner's images, as files of their own: an SVG opened directly must not run scripts in our origin.
 */
export const AVATAR_IMAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
  'X-Content-Type-Options': 'nosniff',
};
