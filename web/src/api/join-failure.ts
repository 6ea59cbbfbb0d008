import type { UNAVAILABLE_REASON_HEADER, UnavailableReason } from '@dh/contracts';
import type { Text } from '../i18n/i18n.js';

/** The gateway's reason header on a 503 (the type keeps the two spellings the same). */
export const unavailableReasonHeader: typeof UNAVAILABLE_REASON_HEADER = 'X-Unavailable-Reason';

/** Why a join did not work, as far as the page needs to know. */
export type JoinFailure =
  | { kind: 'invalid' }
  | { kind: 'passcode'; passcodeGiven: boolean }
  | { kind: 'rate_limited'; retryAfterS: number }
  | { kind: 'unavailable'; retryAfterS: number; reason?: UnavailableReason }
  | { kind: 'network' }
  | { kind: 'unexpected'; status: number };

/** Used when a 429/503 comes without a usable Retry-After. */
const DEFAULT_RETRY_S = { rate_limited: 60, unavailable: 10 } as const;
/** An absurd Retry-After is capped: the guest may try again sooner and get a fresh answer. */
const MAX_RETRY_S = 600;

/** `Retry-After` as seconds (delta or HTTP date), or null when absent or unreadable. */
export function parseRetryAfter(header: string | null, nowMs: number): number | null {
  if (header === null || header.trim() === '') return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(MAX_RETRY_S, Number(trimmed));
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.min(MAX_RETRY_S, Math.max(0, Math.ceil((at - nowMs) / 1000)));
}

export function joinFailureFromStatus(
  status: number,
  retryAfter: string | null,
  passcodeGiven: boolean,
  nowMs: number,
  reason: string | null = null,
): JoinFailure {
  const retryAfterS = parseRetryAfter(retryAfter, nowMs);
  switch (status) {
    case 400:
      return { kind: 'invalid' };
    case 401:
      return { kind: 'passcode', passcodeGiven };
    case 429:
      return { kind: 'rate_limited', retryAfterS: Math.max(1, retryAfterS ?? DEFAULT_RETRY_S.rate_limited) };
    case 502:
    case 503:
    case 504:
      // 502/504 come from the proxy in front when the gateway itself is restarting: also "not ready".
      return {
        kind: 'unavailable',
        retryAfterS: Math.max(1, retryAfterS ?? DEFAULT_RETRY_S.unavailable),
        ...(reason === 'full' || reason === 'bandwidth' || reason === 'unavailable' ? { reason } : {}),
      };
    default:
      return { kind: 'unexpected', status };
  }
}

/** The friendly message for a failure; the server's own JSON is never shown. */
export function describeJoinFailure(failure: JoinFailure, secondsLeft?: number): Text {
  switch (failure.kind) {
    case 'invalid':
      return { key: 'errInvalid' };
    case 'passcode':
      return { key: failure.passcodeGiven ? 'errPasscodeWrong' : 'errPasscodeMissing' };
    case 'rate_limited':
      return { key: 'errRateLimited', params: { seconds: secondsLeft ?? failure.retryAfterS } };
    case 'unavailable': {
      const params = { seconds: secondsLeft ?? failure.retryAfterS };
      if (failure.reason === 'bandwidth') return { key: 'errBandwidth', params };
      if (failure.reason === 'full') return { key: 'errNoPlace', params };
      return { key: 'errFull', params };
    }
    case 'network':
      return { key: 'errNetwork' };
    case 'unexpected':
      return { key: 'errUnknown', params: { status: failure.status } };
  }
}

/** Seconds the join button stays disabled after this failure. */
export function waitSeconds(failure: JoinFailure): number {
  return failure.kind === 'rate_limited' || failure.kind === 'unavailable' ? failure.retryAfterS : 0;
}
