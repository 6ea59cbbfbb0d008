/** Identity of the avatar participant in every room (contract section 4). */
export const AVATAR_IDENTITY = 'dh-avatar';

/** LiveKit text-stream topics and attributes, following LiveKit Agents conventions. */
export const Topics = {
  chat: 'lk.chat',
  transcription: 'lk.transcription',
} as const;

export const TranscriptionAttributes = {
  trackId: 'lk.transcribed_track_id',
  segmentId: 'lk.segment_id',
  final: 'lk.transcription_final',
} as const;

export const AGENT_STATE_ATTRIBUTE = 'lk.agent.state';
export const AgentStates = ['initializing', 'idle', 'listening', 'thinking', 'speaking'] as const;
export type AgentState = (typeof AgentStates)[number];

/**
 * Stream and key names, relative to the deployment's key prefix (REDIS_PREFIX, `dh:` by default). Tests give
 * each run its own prefix so that suites share one Redis without seeing each other.
 */
export const Streams = {
  /** gateway -> media: bring the avatar into a room. */
  avatarRequests: 'stream:avatar-requests',
  /** media -> dialogue: what a guest said or typed. */
  utterances: 'stream:utterances',
  /** tts and dialogue -> media: sentences ready to play, and the end of each answer. */
  speech: 'stream:speech',
  /** anyone -> gateway: notices for guests' pages (video paused, budget); the gateway tails it, no group. */
  notices: 'stream:notices',
} as const;
export type StreamName = (typeof Streams)[keyof typeof Streams];

export const ConsumerGroups = {
  media: 'media',
  dialogue: 'dialogue',
} as const;

/** BullMQ queue of sentences to synthesize. */
export const TTS_QUEUE = 'tts';

export const Keys = {
  heartbeat: (service: string) => `heartbeat:${service}`,
  history: (room: string) => `history:${room}`,
  turnSeq: (room: string) => `room:${room}:seq`,
  turnState: (turnId: string) => `turn:${turnId}`,
  /** Set by media when a guest spoke over the answer, with what was heard: dialogue stops writing it and cuts it in
   * the history, tts stops voicing it. */
  turnCancelled: (turnId: string) => `turn:${turnId}:cancelled`,
  ttsAudio: (hash: string) => `tts:audio:${hash}`,
  joinRate: (address: string) => `ratelimit:join:${address}`,
  messageRate: (room: string, identity: string) => `ratelimit:msg:${room}:${identity}`,
  pendingGuests: 'guests:pending',
  /** Host egress bytes of one billing period (`period` = its first day, e.g. 2026-11-01). */
  trafficPeriod: (period: string) => `traffic:period:${period}`,
  /** The interface counters last added to the ledger, so that a restart or a reboot loses nothing. */
  trafficCounters: 'traffic:counters',
  /** Guest cameras the bandwidth governor muted: only these are unmuted when video resumes, even after a restart. */
  pausedCameras: 'governor:paused-cameras',
} as const;

export const ServiceNames = ['gateway', 'dialogue', 'tts', 'media'] as const;
export type ServiceName = (typeof ServiceNames)[number];
