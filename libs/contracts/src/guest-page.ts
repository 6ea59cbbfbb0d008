import type { NoticeCode } from './events.js';

/*
 * The guest page's wire shapes, defined once for the gateway that sends them and the page that reads them:
 * `GET /api/config` and the `/ws` feed (JSON text frames). The page imports these as types only.
 */

/** Same-origin URLs of the owner's four avatar images. */
export interface AvatarImageUrls {
  idle: string;
  mouthHalf: string;
  mouthOpen: string;
  blink: string;
}

/** `GET /api/config`: what the page needs before it draws the join form and the room. */
export interface ClientConfig {
  passcodeRequired: boolean;
  nameMaxChars: number;
  messageMaxChars: number;
  /** 'budget': the month's DeepSeek budget is spent and the offline persona answers until the month turns. */
  llm: 'online' | 'offline' | 'budget';
  voiceInput: boolean;
  /** null: the page draws its own avatar. */
  avatar: AvatarImageUrls | null;
}

export interface FeedStatusMessage {
  type: 'status';
  llm: 'online' | 'offline' | 'budget';
  voiceInput: boolean;
  healthy: boolean;
}

export interface FeedNoticeMessage {
  type: 'notice';
  code: NoticeCode;
  /** Simplified Chinese, shown first. */
  zh: string;
  en: string;
}

/** An answer's sentence in text-only mode. */
export interface FeedTranscriptMessage {
  type: 'transcript';
  /** `<turnId>-<index>`, as the avatar's lk.transcription segments. */
  segmentId: string;
  text: string;
  final: true;
  from: string;
}

export type FeedErrorCode = 'bad_request' | 'unauthorized' | 'too_large' | 'rate_limited' | 'unavailable';

export interface FeedErrorMessage {
  type: 'error';
  code: FeedErrorCode;
  /** Simplified Chinese / English. */
  message: string;
}

export type FeedServerMessage = FeedStatusMessage | FeedNoticeMessage | FeedTranscriptMessage | FeedErrorMessage;

/** `hello` first (with the LiveKit token from /api/join), then `say` in text-only mode. */
export type FeedClientMessage = { type: 'hello'; token: string } | { type: 'say'; text: string };

/** The close code when the token is refused (HTTP 401 + 4000, the private-use range): reconnecting cannot help. */
export const FEED_CLOSE_UNAUTHORIZED = 4401;

/** On a 503 from `POST /api/join`, this header says why: all places are taken, the bandwidth is full, not ready. */
export const UNAVAILABLE_REASON_HEADER = 'X-Unavailable-Reason';
export type UnavailableReason = 'full' | 'bandwidth' | 'unavailable';
