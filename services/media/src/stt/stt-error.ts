export type SttErrorCode =
  /** An attempt took longer than its time-out. */
  | 'timeout'
  /** The service answered with an error status (`statusCode`). */
  | 'http'
  /** No answer at all: connection refused or reset, DNS, TLS. */
  | 'network'
  /** A 2xx answer that is not the JSON we expect. */
  | 'bad_response'
  /** The caller's signal aborted. */
  | 'aborted';

/**
 * The one error type speech-to-text engines reject with. `retryable` says whether another attempt might
 * succeed (the engine has already used up its own attempts); `statusCode` is the HTTP status when there was one.
 * Messages never contain the transcript.
 */
export class SttError extends Error {
  readonly code: SttErrorCode;
  readonly retryable: boolean;
  readonly statusCode: number | undefined;
  /** The wait the service asked for (Retry-After), when it asked. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: SttErrorCode,
    message: string,
    options: { retryable: boolean; statusCode?: number; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SttError';
    this.code = code;
    this.retryable = options.retryable;
    this.statusCode = options.statusCode;
    this.retryAfterMs = options.retryAfterMs;
  }
}
