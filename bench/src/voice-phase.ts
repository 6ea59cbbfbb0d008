// Voice input at scale on our stack (FakeStt answering at once, real Silero VAD): every guest says a short
// sentence each round, spread over the round, with quiet room noise the rest of the time. Per voice turn:
// end of speech -> the guest's own transcript -> the first voiced frame of the answer.
import type { GuestClient, GuestMicrophone, Stack, TestAudio } from '@dh/testing';
import { concatAudio, espeakSpeech, silence, sleep, waitFor, whiteNoise } from '@dh/testing';
import { codeIn } from './fake-answers.js';
import { firstSentence, turnStages } from './our-speech.js';
import { speechBounds } from './speech-bounds.js';
import { type Talk, waitForAnswerEnd, whatTheGuestHad } from './typed-turn.js';

/** Milliseconds after the end of the guest's speech. */
export interface VoiceTurn {
  transcriptMs: number;
  answerMs: number;
  synthMs: number;
  /** Media's utterance event and tts's first speech event (see our-speech.ts). */
  utteranceMs: number;
  speechEventMs: number;
}

const ROUND_MS = 4_000;
const SPEECH = espeakSpeech('你好开心');
const CLIP = concatAudio(SPEECH, silence(300), whiteNoise(ROUND_MS, -60));
const SPEECH_END_MS = speechBounds(SPEECH).endMs;

/** One utterance and its answer, heard to the end. */
async function voiceTurn(stack: Stack, guest: GuestClient, mic: GuestMicrophone, clip: TestAudio): Promise<VoiceTurn> {
  const heard = guest.transcriptions.length;
  const playing = mic.play(clip);
  const speechEnd = Date.now() + SPEECH_END_MS;
  const mine = await waitFor(
    'the guest transcript',
    () => guest.transcriptions.slice(heard).find((t) => t.from === guest.join.identity && t.final),
    30_000,
  );
  const voiced = await waitFor('the answer voice', () => guest.firstVoicedAfter(mine.at), 15_000);
  const code = codeIn(mine.text);
  if (!code) throw new Error('the transcript carries no turn code');
  const sentence = await firstSentence(stack, guest, code, speechEnd);
  const stages = await turnStages(stack, sentence, speechEnd);
  await waitForAnswerEnd(guest, mine.at);
  await playing;
  return {
    transcriptMs: mine.at - speechEnd,
    answerMs: voiced - speechEnd,
    synthMs: sentence.synthMs,
    utteranceMs: stages.utterance,
    speechEventMs: stages.speechEvent,
  };
}

/**
 * `rounds` rounds of every guest speaking once; the fake STT gives each utterance a new turn code. A guest
 * whose turn fails speaks no more; the failure is reported.
 */
export async function voiceRounds(
  stack: Stack,
  guests: readonly GuestClient[],
  mics: readonly GuestMicrophone[],
  rounds: number,
): Promise<Talk<VoiceTurn>> {
  const talk: Talk<VoiceTurn> = { results: [], failures: [] };
  await Promise.all(
    guests.map(async (guest, i) => {
      await sleep((i * ROUND_MS) / guests.length); // spread the guests over a round
      let since = Date.now();
      let frames = guest.framesReceived;
      try {
        for (let round = 0; round < rounds; round += 1) {
          since = Date.now();
          frames = guest.framesReceived;
          talk.results.push(await voiceTurn(stack, guest, mics[i]!, CLIP));
        }
      } catch (error) {
        talk.failures.push(`voice turn: ${(error as Error).message}; ${whatTheGuestHad(guest, since, frames)}`);
      }
    }),
  );
  return talk;
}
