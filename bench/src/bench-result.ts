// What each scenario reports to the orchestrator (bench.ts): one line `BENCH_RESULT {json}` on stdout. NaN
// travels as null; the table reads null as "n/a".
import type { LoopLag, MemoryParts } from './service-metrics.js';
import type { Spread } from './stats.js';
import type { TurnSummary } from './turn-summary.js';

export const RESULT_PREFIX = 'BENCH_RESULT ';

/** Peak RSS in MB per process (gateway, dialogue, tts, media, livekit, redis; the peer's tree) and `total`. */
export type Peaks = Record<string, number>;

export interface OneGuestResult {
  scenario: 'one-guest';
  /** The stack up, nobody connected. */
  idleRss: Peaks;
  /** One guest connected and typing. */
  rss: Peaks;
  text: TurnSummary;
}

export interface VoiceSummary {
  /** Voice turns that went unanswered. */
  failed: number;
  /** Speech end -> first voiced answer frame, minus the endpoint silence and the first sentence's synthesis. */
  overheadMs: Spread;
  /** Speech end -> the guest's own transcript. */
  transcriptMs: Spread;
  /** Speech end -> first voiced answer frame. */
  answerMs: Spread;
  /** Speech end -> media's utterance event, and -> tts's first speech event. */
  utteranceMs: Spread;
  speechEventMs: Spread;
  endSilenceMs: number;
  /** Media's CPU during the voice phase, % of one core; and the guests' clients' (the bench process). */
  mediaCpu: number;
  guestsCpu: number;
  /** Media's event loop delay during the voice phase. */
  mediaLoopLag: LoopLag;
  /** Silero model CPU for the windows media ran it on, % of one core. */
  vadCpu: number;
  vadWindows: { inferred: number; skippedQuiet: number };
  vadUsPerWindow: number;
}

export interface TenGuestsResult {
  scenario: 'ten-guests';
  guests: number;
  idleRss: Peaks;
  /** Peak while the guests type. */
  textRss: Peaks;
  /** Each service's RSS, V8 heap and external memory at the end (its own metrics). */
  memory: Record<string, MemoryParts>;
  /** Peak over everything with the guests connected: typing, speaking, interrupting. */
  talkingRss: Peaks;
  text: TurnSummary;
  /** % of one core per process while the guests type (`guests`: their clients, the bench process). */
  textCpu: Record<string, number>;
  /** Each service's event loop delay while the guests type, and the guests' clients' own (`guests`). */
  textLoopLag: Record<string, LoopLag>;
  voice: VoiceSummary;
  /** The guest's speech onset -> the avatar's last voiced frame. */
  bargeInMs: Spread;
  bargeInsFailed: number;
  egress: {
    /** What each guest receives while the avatar speaks (rtc stats of its connections). */
    payloadKbps: Spread;
    wireKbps: Spread;
    audioPayloadKbps: Spread;
    audioHeaderKbps: Spread;
    packetsPerS: Spread;
    /** LiveKit's outgoing bytes over the typing phase, per guest. */
    liveKitAvgKbps: number;
  };
}

export interface CapacityStep {
  guests: number;
  turns: number;
  overheadMs: Spread | null;
  passed: boolean;
  /** Why the step did not pass, if it did not. */
  failure?: string;
  seconds: number;
}

export interface CapacityResult {
  scenario: 'capacity';
  steps: CapacityStep[];
  /** The most guests of a passing step; 0 when none passed. */
  served: number;
  stoppedBy: string;
}

export interface PeerResult {
  scenario: 'peer';
  guests: number;
  agentsVersion: string;
  text: TurnSummary;
  /** The worker's whole process tree (`tree`), its LiveKit, and their `total`. */
  idleRss: Peaks;
  rss: Peaks;
  /** Processes per role in the tree at the end (worker, job, inference). */
  processes: Record<string, number>;
}

export type BenchResult = OneGuestResult | TenGuestsResult | CapacityResult | PeerResult;

export function emitResult(result: BenchResult): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}
