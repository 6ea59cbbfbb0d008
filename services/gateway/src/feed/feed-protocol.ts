import {
  FEED_CLOSE_UNAUTHORIZED,
  type FeedErrorCode,
  type FeedErrorMessage,
  type FeedNoticeMessage,
  type FeedServerMessage,
  type FeedStatusMessage,
  type FeedTranscriptMessage,
} from '@dh/contracts';

/**
 * The /ws protocol (shapes in @dh/contracts): JSON text frames. The client says `hello` with its LiveKit token
 * first; the server sends `status`, `notice`, `transcript` (the text fallback's answers) and `error`.
 */
export type StatusMessage = FeedStatusMessage;
export type NoticeMessage = FeedNoticeMessage;
export type TranscriptMessage = FeedTranscriptMessage;
export type ErrorMessage = FeedErrorMessage;
export type ServerMessage = FeedServerMessage;
export type ErrorCode = FeedErrorCode;

/** Frames larger than this are answered with `too_large`. */
export const FRAME_MAX_BYTES = 8 * 1024;
/** Frames larger than this are not even read whole: ws closes the connection (1009). */
export const FRAME_HARD_MAX_BYTES = 64 * 1024;
/** A LiveKit token is a few hundred bytes; this only bounds what a hello may carry. */
export const TOKEN_MAX_CHARS = 4_096;

export const Close = {
  unauthorized: FEED_CLOSE_UNAUTHORIZED,
  goingAway: 1001,
  tryAgainLater: 1013,
  policy: 1008,
} as const;

/** Every error the feed sends, in one table. */
export const FeedErrors = {
  notText: { code: 'bad_request', message: '请发送 JSON 文本 / send JSON text frames' },
  notJson: { code: 'bad_request', message: '不是有效的 JSON / not valid JSON' },
  notAMessage: { code: 'bad_request', message: '消息格式不对 / not a message of this protocol' },
  unknownType: { code: 'bad_request', message: '未知的消息类型 / unknown message type' },
  sayWithoutText: { code: 'bad_request', message: '缺少文字 / "text" must be a string' },
  helloTwice: { code: 'bad_request', message: '已经连接 / hello was already accepted' },
  tooLarge: { code: 'too_large', message: '消息太长 / the message is too large' },
  helloFirst: { code: 'unauthorized', message: '请先发送 hello / send hello first' },
  badToken: { code: 'unauthorized', message: '凭证无效或已过期，请重新加入 / invalid or expired token, join again' },
  helloTimeout: { code: 'unauthorized', message: '连接超时，请重新连接 / no hello in time, connect again' },
  rateLimited: { code: 'rate_limited', message: '发送太快了，请稍等 / too many messages, slow down' },
  unavailable: { code: 'unavailable', message: '暂时无法发送，请稍后再试 / could not send, try again shortly' },
} as const satisfies Record<string, { code: ErrorCode; message: string }>;
export type FeedError = (typeof FeedErrors)[keyof typeof FeedErrors];

/** The notices that follow the status (the others come from stream:notices). */
export const StatusNotices = {
  offline: {
    type: 'notice',
    code: 'offline',
    zh: '开心现在是离线模式，回答会比较简单。',
    en: 'The avatar is offline for now and gives simple answers.',
  },
  voiceOff: {
    type: 'notice',
    code: 'voice_off',
    zh: '语音输入暂未开启，请打字聊天。',
    en: 'Voice input is off for now; please type.',
  },
} as const satisfies Record<string, NoticeMessage>;
