import { ParticipantKind, type RemoteParticipant } from '@livekit/rtc-node';
import { AVATAR_IDENTITY } from '@dh/contracts';

/** A guest is anyone in the room who is not an agent (ours or another). */
export function isGuest(participant: RemoteParticipant): boolean {
  return participant.identity !== AVATAR_IDENTITY && participant.kind !== ParticipantKind.AGENT;
}
