import { type JoinFailure, joinFailureFromStatus, unavailableReasonHeader } from './join-failure.js';

export interface JoinRequest {
  name: string;
  passcode?: string;
  room?: string;
}

/** `200` of `POST /api/join`. */
export interface JoinGrant {
  url: string;
  token: string;
  room: string;
  identity: string;
}

export type JoinOutcome = { ok: true; grant: JoinGrant } | { ok: false; failure: JoinFailure };

const JOIN_TIMEOUT_MS = 15_000;

function parseGrant(raw: unknown): JoinGrant | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { url, token, room, identity } = raw as Record<string, unknown>;
  if (typeof url !== 'string' || typeof token !== 'string' || typeof room !== 'string') return null;
  if (typeof identity !== 'string') return null;
  return { url, token, room, identity };
}

export async function requestJoin(request: JoinRequest): Promise<JoinOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), JOIN_TIMEOUT_MS);
  try {
    const response = await fetch('api/join', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(request),
      cache: 'no-store',
      signal: controller.signal,
    });
    if (response.ok) {
      const grant = parseGrant(await response.json().catch(() => null));
      return grant ? { ok: true, grant } : { ok: false, failure: { kind: 'unexpected', status: response.status } };
    }
    const failure = joinFailureFromStatus(
      response.status,
      response.headers.get('Retry-After'),
      (request.passcode ?? '') !== '',
      Date.now(),
      response.headers.get(unavailableReasonHeader),
    );
    return { ok: false, failure };
  } catch {
    return { ok: false, failure: { kind: 'network' } };
  } finally {
    clearTimeout(timer);
  }
}
