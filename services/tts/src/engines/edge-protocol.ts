import { createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * Microsoft Edge's read-aloud protocol, as the edge-tts project documents it (communicate.py, drm.py,
 * constants.py): a WebSocket per sentence, a `speech.config` text message, an `ssml` text message, then binary
 * audio frames (`Path:audio`) until a `Path:turn.end` text message. Microsoft publishes none of it.
 */

/** The public token Edge itself sends; not a secret. */
export const EDGE_TRUSTED_CLIENT_TOKEN = '6A5AA1D4EAFF4E9FB37E23D68491D6F4';
/** The Edge version the service expects to be talking to; edge-tts follows Edge releases. */
export const EDGE_CHROMIUM_VERSION = '143.0.3650.75';
/** Seconds between 1601-01-01 (Windows file time) and 1970-01-01. */
const WINDOWS_EPOCH_S = 11_644_473_600n;

/**
 * Sec-MS-GEC: SHA-256 of the Windows file time (100 ns ticks) rounded down to 5 minutes, followed by the
 * trusted client token, in upper-case hex. A clock more than a few minutes off gets 403s.
 */
export function secMsGec(nowMs: number): string {
  const seconds = BigInt(Math.floor(nowMs / 1000)) + WINDOWS_EPOCH_S;
  const ticks = (seconds - (seconds % 300n)) * 10_000_000n;
  return createHash('sha256').update(`${ticks}${EDGE_TRUSTED_CLIENT_TOKEN}`, 'ascii').digest('hex').toUpperCase();
}

export function connectionId(): string {
  return randomUUID().replaceAll('-', '');
}

/** The socket address for one sentence. */
export function edgeSocketUrl(baseUrl: string, nowMs: number): string {
  const url = new URL(baseUrl);
  url.searchParams.set('TrustedClientToken', EDGE_TRUSTED_CLIENT_TOKEN);
  url.searchParams.set('ConnectionId', connectionId());
  url.searchParams.set('Sec-MS-GEC', secMsGec(nowMs));
  url.searchParams.set('Sec-MS-GEC-Version', `1-${EDGE_CHROMIUM_VERSION}`);
  return url.toString();
}

/** The headers Edge's read-aloud extension sends; the service refuses connections that look otherwise. */
export function edgeHeaders(): Record<string, string> {
  const major = EDGE_CHROMIUM_VERSION.split('.')[0] ?? '143';
  return {
    Pragma: 'no-cache',
    'Cache-Control': 'no-cache',
    Origin: 'chrome-extension://jdiccldimpdaibmpdkjnbmckianbfold',
    'User-Agent':
      `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) ` +
      `Chrome/${major}.0.0.0 Safari/537.36 Edg/${major}.0.0.0`,
    'Accept-Language': 'en-US,en;q=0.9',
    Cookie: `muid=${randomBytes(16).toString('hex').toUpperCase()};`,
  };
}

/** JavaScript's `Date.prototype.toString` in UTC, the form Edge stamps its messages with. */
export function edgeTimestamp(nowMs: number): string {
  const [weekday, day, month, year, time] = new Date(nowMs).toUTCString().replace(',', '').split(' ');
  return `${weekday} ${month} ${day} ${year} ${time} GMT+0000 (Coordinated Universal Time)`;
}

export function speechConfigMessage(outputFormat: string, nowMs: number): string {
  const config = {
    context: {
      synthesis: {
        audio: {
          metadataoptions: { sentenceBoundaryEnabled: 'false', wordBoundaryEnabled: 'false' },
          outputFormat,
        },
      },
    },
  };
  return (
    `X-Timestamp:${edgeTimestamp(nowMs)}\r\n` +
    'Content-Type:application/json; charset=utf-8\r\n' +
    `Path:speech.config\r\n\r\n${JSON.stringify(config)}\r\n`
  );
}

/** `zh-CN-XiaoxiaoNeural` → `Microsoft Server Speech Text to Speech Voice (zh-CN, XiaoxiaoNeural)`, as Edge sends it. */
export function longVoiceName(voice: string): string {
  const match = /^([a-z]{2,3})-([A-Z]{2})-(?:([A-Za-z]+)-)?([A-Za-z]+Neural)$/.exec(voice);
  if (!match) return voice;
  const [, language, region, variant, name] = match;
  return `Microsoft Server Speech Text to Speech Voice (${language}-${region}${variant ? `-${variant}` : ''}, ${name})`;
}

/** The service fails on most control characters; XML's five special characters are escaped. */
export function ssmlText(text: string): string {
  // eslint-disable-next-line no-control-regex -- these very characters are what the service refuses
  const clean = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ' ');
  return clean
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function ssmlMessage(text: string, voice: string, nowMs: number): string {
  const ssml =
    "<speak version='1.0' xmlns='http://www.w3.org/2001/10/synthesis' xml:lang='en-US'>" +
    `<voice name='${longVoiceName(voice)}'><prosody pitch='+0Hz' rate='+0%' volume='+0%'>` +
    `${ssmlText(text)}</prosody></voice></speak>`;
  // The trailing `Z` after a timestamp that already names its zone is what Edge sends.
  return (
    `X-RequestId:${connectionId()}\r\n` +
    'Content-Type:application/ssml+xml\r\n' +
    `X-Timestamp:${edgeTimestamp(nowMs)}Z\r\n` +
    `Path:ssml\r\n\r\n${ssml}`
  );
}

/** Header names as sent, values trimmed; lines without a colon are skipped. */
export function parseHeaders(head: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return headers;
}

/** A text message: headers, a blank line, a body. */
export function parseTextMessage(message: string): { headers: Map<string, string>; body: string } {
  const end = message.indexOf('\r\n\r\n');
  return end < 0
    ? { headers: parseHeaders(message), body: '' }
    : { headers: parseHeaders(message.slice(0, end)), body: message.slice(end + 4) };
}

/** A binary message: a 16-bit big-endian header length, the headers, then the audio. Null when malformed. */
export function parseBinaryMessage(message: Buffer): { headers: Map<string, string>; data: Buffer } | null {
  if (message.length < 2) return null;
  const headerLength = message.readUInt16BE(0);
  if (2 + headerLength > message.length) return null;
  return {
    headers: parseHeaders(message.toString('utf8', 2, 2 + headerLength)),
    data: message.subarray(2 + headerLength),
  };
}
