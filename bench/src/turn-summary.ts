import { type Spread, spread } from './stats.js';

/** One turn as the bench scores it. */
export interface MeasuredTurn {
  /** Message (or end of speech) -> first voiced frame at the guest. */
  voicedMs: number;
  /** What the TTS engine spent on the first sentence: not the pipeline's cost. */
  synthMs: number;
  /** The pipeline's own cost: voicedMs - synthMs (- the endpoint silence, for voice). */
  overheadMs: number;
  /** Breakdown of the turn (ms after the message), where the stack records it. */
  stages?: Record<string, number>;
}

export interface TurnSummary {
  /** Turns that went unanswered: the spreads are over the answered ones. */
  failed: number;
  overheadMs: Spread;
  voicedMs: Spread;
  synthMs: Spread;
  /** p50/p95 of each stage, when the turns have them. */
  stages?: Record<string, Spread>;
}

export function summarizeTurns(turns: readonly MeasuredTurn[], failed = 0): TurnSummary {
  const summary: TurnSummary = {
    failed,
    overheadMs: spread(turns.map((t) => t.overheadMs)),
    voicedMs: spread(turns.map((t) => t.voicedMs)),
    synthMs: spread(turns.map((t) => t.synthMs)),
  };
  const names = Object.keys(turns[0]?.stages ?? {});
  if (names.length > 0)
    summary.stages = Object.fromEntries(names.map((n) => [n, spread(turns.map((t) => t.stages?.[n] ?? Number.NaN))]));
  return summary;
}
