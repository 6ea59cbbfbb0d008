import { isRetryableStatus } from '@dh/runtime';

/**
 * The LLM's failures, named once. `retryable` says whether a fresh attempt could succeed; `statusCode` is the
 * HTTP status when the provider answered with one.
 */
export class LlmError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly statusCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The provider answered with an error status. */
export class LlmHttpError extends LlmError {
  constructor(
    statusCode: number,
    message: string,
    /** From Retry-After / retry-after-ms, when the provider sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message, isRetryableStatus(statusCode), statusCode);
  }
}

/** No first token within the first-token time-out, or silence longer than the idle time-out between chunks. */
export class LlmTimeoutError extends LlmError {
  constructor(
    readonly phase: 'first_token' | 'idle',
    readonly timeoutMs: number,
  ) {
    super(`no ${phase === 'first_token' ? 'first token' : 'token'} within ${timeoutMs} ms`, true);
  }
}

/** The connection failed or broke, or the reply could not be read. */
export class LlmConnectionError extends LlmError {
  constructor(message: string, cause?: unknown) {
    super(message, true, undefined, { cause });
  }
}

/** The answer had started when the stream failed: retrying would repeat what the guest already heard. */
export class LlmStreamError extends LlmError {
  constructor(cause: LlmError | string) {
    const reason = typeof cause === 'string' ? cause : cause.message;
    super(`stream broke after the answer started: ${reason}`, false, undefined, { cause });
  }
}

/** The caller gave up (shutdown); the turn is left for another delivery. */
export class LlmAbortedError extends LlmError {
  constructor() {
    super('request aborted by the caller', false);
  }
}

/** The circuit breaker is open: no request was made. */
export class CircuitOpenError extends LlmError {
  constructor() {
    super('circuit breaker open', false);
  }
}
