/*
 * How every service calls a paid outside API (DeepSeek, speech-to-text, remote TTS): which answers are worth
 * another attempt, and how long to wait before it.
 */

/** The longest wait between two attempts, also when the provider asks for longer: a guest is waiting. */
export const MAX_RETRY_DELAY_MS = 5_000;

/**
 * 408 and 429 pass, and 5xx is the provider's trouble (502/504 come from proxies on the way); any other 4xx
 * (400, 401, 402 balance, 403, 404, 413, 422) will fail again however often it is sent.
 */
export function isRetryableStatus(status: number): boolean {
  if (status === 408 || status === 429) return true;
  return status >= 500 && status <= 599;
}

/**
 * Exponential backoff with full jitter (a uniform wait in [0, base * 2^(failures-1)]): replicas that failed
 * together do not retry together.
 */
export function backoffDelayMs(failures: number, baseMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.floor(random() * ceiling);
}

interface HeaderSource {
  get(name: string): string | null;
}

/** Reads `retry-after-ms`, or `retry-after` as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(headers: HeaderSource | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1_000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The wait before the next attempt: what the provider asked for (capped), else the jittered backoff. */
export function retryDelayMs(
  failures: number,
  baseMs: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, MAX_RETRY_DELAY_MS);
  return backoffDelayMs(failures, baseMs, random);
}
