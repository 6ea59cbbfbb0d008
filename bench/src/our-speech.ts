// Where our stack's own records say a turn's first sentence was: its turn id from the avatar's transcript, the
// tts service's `speech.sentence` event (with the engine's synthesis time) and, for the breakdown, the BullMQ
// job's timestamps. Stream entry ids are Redis's clock in ms, the same machine's clock as the guests'.
import { AVATAR_IDENTITY, Streams, TTS_QUEUE, bullPrefix, ttsJobId } from '@dh/contracts';
import { type GuestClient, type Stack, waitFor } from '@dh/testing';
import { isAnswerTo } from './fake-answers.js';
import type { MeasuredTurn } from './turn-summary.js';
import type { HeardTurn } from './typed-turn.js';

export interface FirstSentence {
  turnId: string;
  /** The engine's time for the sentence (0 from the cache). */
  synthMs: number;
  /** Dialogue's own count: turn start to the first sentence ready (includes the LLM request). */
  llmMs: number;
  /** The speech event's stream id, in ms. */
  speechEventAt: number;
}

const idMs = (id: string) => Number(id.split('-')[0]);

async function findEntry(
  stack: Stack,
  stream: string,
  since: number,
  match: (event: Record<string, unknown>) => boolean,
): Promise<{ at: number; event: Record<string, unknown> } | undefined> {
  for (const [id, fields] of await stack.ns.redis.xrange(stack.ns.key(stream), String(Math.floor(since) - 1), '+')) {
    const event = JSON.parse(fields[1]!) as Record<string, unknown>;
    if (match(event)) return { at: idMs(id), event };
  }
  return undefined;
}

/** The first sentence of the avatar's answer to the turn with `code`, asked at `since`. */
export async function firstSentence(
  stack: Stack,
  guest: GuestClient,
  code: string,
  since: number,
): Promise<FirstSentence> {
  const transcript = await waitFor(
    'the answer transcript',
    () => guest.transcriptions.find((t) => t.from === AVATAR_IDENTITY && t.at >= since && isAnswerTo(code, t.text)),
    10_000,
  );
  const turnId = transcript.segmentId.slice(0, transcript.segmentId.lastIndexOf('-'));
  const speech = await waitFor(
    `the speech event of turn ${turnId}`,
    () =>
      findEntry(
        stack,
        Streams.speech,
        since,
        (e) => e.type === 'speech.sentence' && e.turnId === turnId && e.index === 0,
      ),
    5_000,
  );
  return {
    turnId,
    synthMs: Number(speech.event.synthMs ?? 0),
    llmMs: Number(speech.event.llmMs ?? 0),
    speechEventAt: speech.at,
  };
}

/** Milliseconds from the message to each step of its first sentence (job steps include synthesis). */
export interface TurnStages {
  utterance: number;
  jobAdded: number;
  jobStarted: number;
  jobDone: number;
  speechEvent: number;
}

export const STAGE_NAMES = ['utterance', 'jobAdded', 'jobStarted', 'jobDone', 'speechEvent'] as const;

export async function turnStages(stack: Stack, sentence: FirstSentence, sentAt: number): Promise<TurnStages> {
  const utterance = await findEntry(stack, Streams.utterances, sentAt, (e) => e.turnId === sentence.turnId);
  const job = await stack.ns.redis.hgetall(
    `${bullPrefix(stack.ns.prefix)}:${TTS_QUEUE}:${ttsJobId(sentence.turnId, 0)}`,
  );
  return {
    utterance: (utterance?.at ?? Number.NaN) - sentAt,
    jobAdded: Number(job.timestamp) - sentAt,
    jobStarted: Number(job.processedOn) - sentAt,
    jobDone: Number(job.finishedOn) - sentAt,
    speechEvent: sentence.speechEventAt - sentAt,
  };
}

/** A heard turn scored on our stack: synthesis time from tts's own report, and the breakdown if asked. */
export async function measureOurTurn(
  stack: Stack,
  guest: GuestClient,
  turn: HeardTurn,
  withStages = false,
): Promise<MeasuredTurn> {
  const sentence = await firstSentence(stack, guest, turn.code, turn.sentAt);
  const voicedMs = turn.voicedAt - turn.sentAt;
  const measured: MeasuredTurn = { voicedMs, synthMs: sentence.synthMs, overheadMs: voicedMs - sentence.synthMs };
  if (withStages) {
    const stages = await turnStages(stack, sentence, turn.sentAt);
    measured.stages = { ...stages, voiced: voicedMs, synthMs: sentence.synthMs, llmMs: sentence.llmMs };
  }
  return measured;
}
