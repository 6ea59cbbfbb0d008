import { STATUS_CODES } from 'node:http';

/** Metric label of a join's outcome (`dh_joins_total{result}`); keep the set small. */
export type JoinResult =
  'ok' | 'invalid' | 'passcode' | 'rate_limited' | 'full' | 'bandwidth' | 'unavailable' | 'error';

/**
 * An answer the gateway gives on purpose. The one exception filter turns it into the contract's error shape
 * `{statusCode, error, message}`; `message` is user-facing, Simplified Chinese first, then English.
 */
export class GatewayError extends Error {
  readonly error: string;

  constructor(
    readonly statusCode: number,
    readonly userMessage: string | string[],
    readonly result: JoinResult,
    readonly retryAfterS?: number,
  ) {
    super(Array.isArray(userMessage) ? userMessage.join('; ') : userMessage);
    this.name = 'GatewayError';
    this.error = STATUS_CODES[statusCode] ?? 'Error';
  }
}

/** The named errors of the gateway, in one table. */
export const Errors = {
  invalidBody: (messages: string[]) => new GatewayError(400, messages, 'invalid'),
  brokenJson: () => new GatewayError(400, '请求体不是有效的 JSON / the body is not valid JSON', 'invalid'),
  bodyTooLarge: () => new GatewayError(413, '请求体过大 / the body is too large', 'invalid'),
  unsupportedMediaType: () =>
    new GatewayError(415, '请使用 application/json / the body must be application/json', 'invalid'),
  passcodeMissing: () => new GatewayError(401, '需要口令 / a passcode is required', 'passcode'),
  passcodeWrong: () => new GatewayError(401, '口令错误 / wrong passcode', 'passcode'),
  rateLimited: (retryAfterS: number) =>
    new GatewayError(429, '加入太频繁，请稍后再试 / too many joins, try again later', 'rate_limited', retryAfterS),
  full: () => new GatewayError(503, '人数已满，请稍后再试 / all places are taken, try again later', 'full', 30),
  bandwidthFull: () =>
    new GatewayError(
      503,
      '服务器带宽已满，请稍后再试 / the server’s bandwidth is full, try again later',
      'bandwidth',
      30,
    ),
  notReady: () =>
    new GatewayError(503, '服务尚未就绪，请稍后再试 / not ready yet, try again shortly', 'unavailable', 5),
  notFound: () => new GatewayError(404, '找不到这个地址 / not found', 'invalid'),
  internal: () => new GatewayError(500, '服务器内部错误 / internal server error', 'error'),
} as const;
