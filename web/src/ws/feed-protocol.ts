import type {
  FeedClientMessage,
  FeedErrorMessage,
  FeedNoticeMessage,
  FeedStatusMessage,
  FeedTranscriptMessage,
} from '@dh/contracts';

/**
 * The `/ws` feed between the page and the gateway (status, notices, text fallback); the shapes are the
 * gateway's (@dh/contracts). The page reads leniently: codes it does not know yet are kept, not dropped.
 */
export type StatusMessage = FeedStatusMessage;
export type NoticeMessage = Omit<FeedNoticeMessage, 'code'> & { code: FeedNoticeMessage['code'] | (string & {}) };
export type TranscriptMessage = Omit<FeedTranscriptMessage, 'final'> & { final: boolean };
export type ErrorMessage = Omit<FeedErrorMessage, 'code'> & { code: FeedErrorMessage['code'] | (string & {}) };
export type ServerMessage = StatusMessage | NoticeMessage | TranscriptMessage | ErrorMessage;
export type ClientMessage = FeedClientMessage;

/** WebSocket close code the gateway uses when the token is refused (FEED_CLOSE_UNAUTHORIZED): no reconnecting. */
export const CLOSE_UNAUTHORIZED = 4401;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isString = (value: unknown): value is string => typeof value === 'string';

/** A server frame, validated; anything malformed is null and ignored. */
export function parseServerMessage(raw: unknown): ServerMessage | null {
  if (!isString(raw)) return null;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isRecord(data)) return null;
  switch (data.type) {
    case 'status':
      if (data.llm !== 'online' && data.llm !== 'offline' && data.llm !== 'budget') return null;
      return { type: 'status', llm: data.llm, voiceInput: data.voiceInput === true, healthy: data.healthy !== false };
    case 'notice':
      if (!isString(data.code) || !isString(data.zh) || !isString(data.en)) return null;
      return { type: 'notice', code: data.code, zh: data.zh, en: data.en };
    case 'transcript':
      if (!isString(data.segmentId) || !isString(data.text)) return null;
      return {
        type: 'transcript',
        segmentId: data.segmentId,
        text: data.text,
        final: data.final !== false,
        from: isString(data.from) ? data.from : 'dh-avatar',
      };
    case 'error':
      if (!isString(data.code)) return null;
      return { type: 'error', code: data.code, message: isString(data.message) ? data.message : '' };
    default:
      return null;
  }
}

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
}

/** Delay before reconnect attempt `attempt` (0-based): 1 s, 2 s, 4 s … capped at 30 s. */
export function backoffDelayMs(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 1000;
  const max = options.maxMs ?? 30_000;
  return Math.min(max, base * 2 ** Math.min(Math.max(0, attempt), 30));
}

/** `/ws` on the page's own origin, ws: or wss: like the page. */
export function feedUrl(location: { protocol: string; host: string; pathname: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  // The page may live under a path prefix behind a proxy; the feed sits beside it.
  const dir = location.pathname.replace(/[^/]*$/, '');
  return `${scheme}//${location.host}${dir}ws`;
}
