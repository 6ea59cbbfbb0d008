import { AVATAR_IDENTITY } from '@dh/contracts';
import type { ParticipantSummary } from './room-service.js';

/** A guest is anyone in a room who is not an agent (our avatar or another). */
export function isGuestParticipant(participant: Pick<ParticipantSummary, 'identity' | 'kind'>): boolean {
  return participant.identity !== AVATAR_IDENTITY && participant.kind !== 'AGENT';
}
