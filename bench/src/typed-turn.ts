// One typed turn as a guest lives it, on any avatar that speaks LiveKit's agent protocol (ours or the peer):
// message on lk.chat, first voiced frame of the answer, then back to listening.
import { type GuestClient, sleep, waitFor } from '@dh/testing';
import { nextCode, question } from './fake-answers.js';
import { progress } from './scenario-main.js';

export interface HeardTurn {
  code: string;
  /** When the message was sent. */
  sentAt: number;
  /** When the first voiced frame of the answer arrived. */
  voicedAt: number;
}

/** The previous answer's last frames must have arrived, or they would count as the next answer's first. */
export async function waitForQuiet(guest: GuestClient, timeoutMs = 30_000): Promise<void> {
  await waitFor('silence', () => Date.now() - (guest.voicedFrameTimes.at(-1) ?? 0) > 300, timeoutMs);
}

/** The avatar, having spoken since `since`, is back to listening. */
export async function waitForAnswerEnd(guest: GuestClient, since: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    'the answer to end',
    () => {
      const states = guest.agentStates.filter((s) => s.at >= since);
      const spoke = states.findIndex((s) => s.state === 'speaking');
      return spoke >= 0 && states.slice(spoke).some((s) => s.state === 'listening');
    },
    timeoutMs,
  );
}

/** Sends a message with a new code and waits until its answer has been heard to the end. */
export async function typedTurn(guest: GuestClient, timeoutMs = 30_000): Promise<HeardTurn> {
  await waitForQuiet(guest, timeoutMs);
  const code = nextCode();
  const frames = guest.framesReceived;
  const sentAt = await guest.say(question(code));
  try {
    // An answer is heard within a second or two; a silent one (seen under load) should not hold the run up long.
    const voicedAt = await waitFor('voiced audio', () => guest.firstVoicedAfter(sentAt), Math.min(timeoutMs, 10_000));
    await waitForAnswerEnd(guest, sentAt, timeoutMs);
    return { code, sentAt, voicedAt };
  } catch (error) {
    throw new Error(`turn ${code}: ${(error as Error).message}; ${whatTheGuestHad(guest, sentAt, frames)}`);
  }
}

/**
 * What a guest had received since `since`, for a failed turn: transcripts and avatar states with their times,
 * and the audio frames (10 ms each, voiced or not) against `framesBefore`, to tell silence from no audio.
 */
export function whatTheGuestHad(guest: GuestClient, since: number, framesBefore: number): string {
  const at = (t: number) => `+${t - since} ms`;
  const heard = guest.transcriptions.filter((t) => t.at >= since).map((t) => `${t.text} ${at(t.at)}`);
  const states = guest.agentStates.filter((s) => s.at >= since).map((s) => `${s.state} ${at(s.at)}`);
  const voiced = guest.voicedFrameTimes.filter((t) => t >= since).length;
  return (
    `room ${guest.join.room}; heard since: [${heard.join(', ')}]; states since: [${states.join(', ')}]; ` +
    `audio frames since: ${guest.framesReceived - framesBefore} (${voiced} voiced)`
  );
}

export interface Talk<T> {
  results: T[];
  /** Turns that went unanswered (or timed out), with what the guest had seen; that guest stopped there. */
  failures: string[];
}

/**
 * Every guest takes `turns` turns, one after another, pausing a random 0..`thinkMs` before each (0: all at
 * once, in lockstep); `measure` turns each heard turn into what the scenario records. The first
 * `warmUp` turns of each guest are taken at once and not measured: a fresh stack pays for JIT and new
 * connections on its first requests. A guest whose turn fails takes no more turns (its avatar may be stuck),
 * and the failure is reported, not hidden.
 */
export async function guestsTalk<T>(
  guests: readonly GuestClient[],
  turns: number,
  thinkMs: number,
  measure: (guest: GuestClient, turn: HeardTurn) => Promise<T>,
  warmUp = 0,
): Promise<Talk<T>> {
  const talk: Talk<T> = { results: [], failures: [] };
  await Promise.all(
    guests.map(async (guest) => {
      try {
        for (let n = 0; n < warmUp; n += 1) await typedTurn(guest);
        for (let n = 0; n < turns; n += 1) {
          await sleep(Math.random() * thinkMs);
          talk.results.push(await measure(guest, await typedTurn(guest)));
        }
      } catch (error) {
        talk.failures.push((error as Error).message);
      }
    }),
  );
  return talk;
}

/** How many turns were taken, and every failure, as progress lines (the scenario's log). */
export function reportFailures(talk: Talk<unknown>): void {
  progress(`${talk.results.length} turns measured, ${talk.failures.length} unanswered`);
  for (const failure of talk.failures) progress(`unanswered: ${failure}`);
}
