import { type Infer, SchemaError, int, literal, nullable, object, optional, parseJson, str } from './schema.js';

/** LiveKit room names we create: `p-<id>` for a private room, `s-<name>` for a shared one. */
export const ROOM_NAME_PATTERN = /^[ps]-[a-z0-9-]{1,40}$/;
const room = str({ pattern: ROOM_NAME_PATTERN });
const turnId = str({ min: 8, max: 64, pattern: /^[A-Za-z0-9-]+$/ });
const epochMs = int({ min: 0 });
const seq = int({ min: 1 });

export const AvatarRequestEvent = object({
  type: literal('avatar.request'),
  room,
  at: epochMs,
});
export type AvatarRequestEvent = Infer<typeof AvatarRequestEvent>;

export const UtteranceInputs = ['text', 'voice', 'greeting'] as const;
export const UtteranceEvent = object({
  type: literal('utterance'),
  turnId,
  room,
  /** Per-room order of turns; media plays answers in this order. */
  seq,
  identity: str({ min: 1, max: 128 }),
  name: str({ max: 64 }),
  input: literal(...UtteranceInputs),
  /** Already cleaned by the producer; may be longer than the dialogue's cap, which then refuses politely. */
  text: str({ max: 4000 }),
  /** Whether several guests share the room (names then go into the prompt). */
  shared: literal('yes', 'no'),
  /** When media received it (ms since epoch): the start of the turn's latency. */
  at: epochMs,
});
export type UtteranceEvent = Infer<typeof UtteranceEvent>;

/** How an answer came about; also a metric label, so keep the set small. */
export const TurnOutcomes = [
  'answered',
  'apology',
  'refused',
  'offline',
  'greeting',
  'rate_limited',
  'too_long',
  /** A guest spoke over the answer: the rest was not said. */
  'interrupted',
] as const;
export type TurnOutcome = (typeof TurnOutcomes)[number];

export const TtsJobData = object({
  turnId,
  room,
  seq,
  index: int({ min: 0, max: 1000 }),
  text: str({ min: 1, max: 1000 }),
  /** Milliseconds from the utterance to this sentence leaving the LLM (0 for fixed phrases). */
  llmMs: int({ min: 0 }),
  /** The utterance's `at`, carried along for latency metrics. */
  at: epochMs,
});
export type TtsJobData = Infer<typeof TtsJobData>;

export const SpeechSentenceEvent = object({
  type: literal('speech.sentence'),
  turnId,
  room,
  seq,
  index: int({ min: 0, max: 1000 }),
  text: str({ min: 1, max: 1000 }),
  /** Redis key (without the deployment prefix) holding s16le mono PCM; null when synthesis failed. */
  audioKey: nullable(str({ min: 1, max: 200 })),
  sampleRate: int({ min: 8000, max: 48000 }),
  llmMs: int({ min: 0 }),
  /** Time the engine took for this sentence; 0 when it came from the cache. */
  synthMs: int({ min: 0 }),
  at: epochMs,
});
export type SpeechSentenceEvent = Infer<typeof SpeechSentenceEvent>;

export const SpeechEndEvent = object({
  type: literal('speech.end'),
  turnId,
  room,
  seq,
  /** Number of sentences of this answer (indexes 0..sentences-1). */
  sentences: int({ min: 0, max: 1001 }),
  outcome: literal(...TurnOutcomes),
  at: epochMs,
});
export type SpeechEndEvent = Infer<typeof SpeechEndEvent>;

export type SpeechEvent = SpeechSentenceEvent | SpeechEndEvent;

export function parseSpeechEvent(raw: string): SpeechEvent {
  const value = parseJson((v) => v, raw);
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  if (type === 'speech.sentence') return SpeechSentenceEvent(value, '$');
  if (type === 'speech.end') return SpeechEndEvent(value, '$');
  throw new SchemaError('$.type', 'must be speech.sentence or speech.end');
}

/** What the guest page can be told (`data-testid="notice"`); also the code the page keys its own texts on. */
export const NoticeCodes = [
  'offline',
  'voice_off',
  'video_limited',
  'video_paused',
  'video_resumed',
  'budget',
  /** This guest has too many messages waiting for an answer: the latest was not taken. */
  'wait_for_answer',
] as const;
export type NoticeCode = (typeof NoticeCodes)[number];

/**
 * A notice for the guests of one room, or for everyone when `room` is absent, or for one guest of the room when
 * `identity` is given too (stream:notices).
 */
export const NoticeEvent = object({
  type: literal('notice'),
  code: literal(...NoticeCodes),
  room: optional(room),
  identity: optional(str({ min: 1, max: 128 })),
  /** Simplified Chinese, shown first. */
  zh: str({ min: 1, max: 200 }),
  en: str({ min: 1, max: 200 }),
  at: epochMs,
});
export type NoticeEvent = Infer<typeof NoticeEvent>;
