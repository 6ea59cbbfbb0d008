export type TtsErrorCode =
  /** The engine's program or service cannot be reached at all (missing binary, refused connection). */
  | 'unavailable'
  /** The engine ran and failed (non-zero exit, HTTP error). */
  | 'engine_failed'
  /** The engine succeeded but produced no audible audio (e.g. text of punctuation only). */
  | 'empty_output'
  /** The engine's output is not audio we can read. */
  | 'bad_output'
  | 'timeout'
  | 'aborted';

/**
 * The one error type engines reject with. `retryable` tells the worker whether another attempt may succeed;
 * `statusCode` carries an HTTP engine's status. Messages never contain the text being spoken.
 */
export class TtsError extends Error {
  readonly code: TtsErrorCode;
  readonly retryable: boolean;
  readonly statusCode: number | undefined;

  constructor(
    code: TtsErrorCode,
    message: string,
    options: { retryable: boolean; statusCode?: number; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TtsError';
    this.code = code;
    this.retryable = options.retryable;
    this.statusCode = options.statusCode;
  }
}

/** Errors of our own say whether to retry; anything else (Redis, a bug) is worth another attempt. */
export function isRetryable(error: unknown): boolean {
  return error instanceof TtsError ? error.retryable : true;
}

/** The TtsError for an aborted signal: a time-out is retryable, a cancellation is not. */
export function abortedError(signal: AbortSignal, engine: string): TtsError {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'TimeoutError')
    return new TtsError('timeout', `${engine} timed out`, { retryable: true });
  return new TtsError('aborted', `${engine} was aborted`, { retryable: false });
}
