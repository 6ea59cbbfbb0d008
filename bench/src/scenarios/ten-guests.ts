// Scenario `ten-guests` of `make bench`: our stack with GUESTS guests (each in a private room with the avatar)
// typing, then speaking (FakeStt, real Silero VAD), then interrupting the avatar; RSS peaks per process in
// each phase, CPU per process while typing, media's and the VAD's CPU while speaking, avatar egress per guest.
//
//   GUESTS=10 TURNS=5 THINK_MS=3000 ROUNDS=3 BARGE_INS=10 node bench/dist/src/scenarios/ten-guests.js
import { FakeStt, type GuestClient, type GuestMicrophone, type Stack, sleep } from '@dh/testing';
import type { Peaks, TenGuestsResult, VoiceSummary } from '../bench-result.js';
import { bargeIn } from '../barge-in.js';
import { joinGuests, rssProbes, stackPids, withBenchStack } from '../bench-stack.js';
import { CounterRate } from '../counter-rate.js';
import { benchTranscript } from '../fake-answers.js';
import { measureOurTurn } from '../our-speech.js';
import { CpuMeter } from '../process-cpu.js';
import { fetchSum } from '../prometheus-text.js';
import { ResourceSampler } from '../resource-sampler.js';
import { envNumber, progress, runScenario } from '../scenario-main.js';
import { OwnLoopDelay } from '../own-loop-delay.js';
import { eventLoopLag, serviceMemory } from '../service-metrics.js';
import { sileroMsPerWindow } from '../silero-cost.js';
import { spread } from '../stats.js';
import { summarizeTurns } from '../turn-summary.js';
import { guestsTalk, reportFailures } from '../typed-turn.js';
import { voiceRounds } from '../voice-phase.js';

const GUESTS = envNumber('GUESTS', 10);
const TURNS = envNumber('TURNS', 5);
const THINK_MS = envNumber('THINK_MS', 3_000);
const ROUNDS = envNumber('ROUNDS', 3);
const BARGE_INS = envNumber('BARGE_INS', GUESTS);
/** How long the stack is watched idle, nobody connected, for its RSS at 0 guests. */
const IDLE_MS = envNumber('IDLE_MS', 3_000);
/** Media's default, set explicitly: voice overhead subtracts it. */
const END_SILENCE_MS = 500;

function highest(...phases: Peaks[]): Peaks {
  const out: Peaks = {};
  for (const peaks of phases) for (const [name, mb] of Object.entries(peaks)) out[name] = Math.max(out[name] ?? 0, mb);
  return out;
}

/** The guests type; CPU per process over the turns, and LiveKit's outgoing traffic per guest. */
async function typing(stack: Stack, guests: GuestClient[]) {
  await eventLoopLag(stack); // starts the window
  // The guests' own clients (this process) share the machine: their CPU is shown beside the stack's.
  const cpu = new CpuMeter({ ...stackPids(stack), guests: process.pid });
  const ownDelay = new OwnLoopDelay();
  const liveKitEgress = new CounterRate(stack.livekit.metricsUrl, 'livekit_packet_bytes', 'direction="outgoing"');
  liveKitEgress.start();
  const talk = await guestsTalk(guests, TURNS, THINK_MS, (guest, turn) => measureOurTurn(stack, guest, turn, true), 1);
  const textCpu = cpu.percent();
  const textLoopLag = { ...(await eventLoopLag(stack)), guests: ownDelay.stop() };
  const liveKitKbps = ((await liveKitEgress.stop()) * 8) / 1000 / guests.length;
  reportFailures(talk);
  return { text: summarizeTurns(talk.results, talk.failures.length), textCpu, textLoopLag, liveKitKbps };
}

/**
 * The guests speak, ROUNDS rounds; media's CPU and the windows its VAD model ran on (`vadCpu` is filled in at
 * the end, see talk()).
 */
async function speaking(
  stack: Stack,
  guests: GuestClient[],
  mics: GuestMicrophone[],
): Promise<{ voice: VoiceSummary; seconds: number }> {
  const vadWindows = (label: string) =>
    fetchSum(`http://127.0.0.1:${stack.metricsPorts.media}/metrics`, 'dh_vad_windows_total', label);
  const inferred0 = await vadWindows('inferred');
  const skipped0 = await vadWindows('skipped_quiet');
  const started = performance.now();
  const cpu = new CpuMeter({ media: stackPids(stack).media, guests: process.pid });
  await eventLoopLag(stack);
  const talk = await voiceRounds(stack, guests, mics, ROUNDS);
  const turns = talk.results;
  const seconds = (performance.now() - started) / 1000;
  const { media: mediaCpu, guests: guestsCpu } = cpu.percent();
  const mediaLoopLag = (await eventLoopLag(stack)).media!;
  const inferred = (await vadWindows('inferred')) - inferred0;
  const skippedQuiet = (await vadWindows('skipped_quiet')) - skipped0;
  reportFailures(talk);
  const voice: VoiceSummary = {
    failed: talk.failures.length,
    overheadMs: spread(turns.map((t) => t.answerMs - END_SILENCE_MS - t.synthMs)),
    transcriptMs: spread(turns.map((t) => t.transcriptMs)),
    answerMs: spread(turns.map((t) => t.answerMs)),
    utteranceMs: spread(turns.map((t) => t.utteranceMs)),
    speechEventMs: spread(turns.map((t) => t.speechEventMs)),
    endSilenceMs: END_SILENCE_MS,
    mediaCpu: mediaCpu!,
    guestsCpu: guestsCpu!,
    mediaLoopLag,
    vadCpu: Number.NaN,
    vadWindows: { inferred, skippedQuiet },
    vadUsPerWindow: Number.NaN,
  };
  return { voice, seconds };
}

async function talk(stack: Stack): Promise<TenGuestsResult> {
  progress('stack started');
  const sampler = new ResourceSampler(rssProbes(stackPids(stack)));
  sampler.phase('idle');
  await sleep(IDLE_MS);

  sampler.phase('text');
  const guests = await joinGuests(stack, GUESTS);
  progress(`${GUESTS} guests greeted`);
  const { text, textCpu, textLoopLag, liveKitKbps } = await typing(stack, guests);

  sampler.phase('voice');
  const mics = await Promise.all(guests.map((g) => g.publishMicrophone()));
  await sleep(1_000);
  const { voice, seconds: voiceSeconds } = await speaking(stack, guests, mics);

  sampler.phase('barge-in');
  const tries = await Promise.allSettled(
    guests.slice(0, BARGE_INS).map(async (guest, i) => {
      await sleep(i * 500);
      return bargeIn(guest, mics[i]!);
    }),
  );
  const bargeIns = tries.flatMap((t) => (t.status === 'fulfilled' ? [t.value] : []));
  reportFailures({
    results: bargeIns,
    failures: tries.flatMap((t) => (t.status === 'rejected' ? [`barge-in: ${(t.reason as Error).message}`] : [])),
  });
  const memory = await serviceMemory(stack);
  sampler.stop();
  // The model's cost alone, run here once the guests are done: it holds this process's event loop for seconds,
  // and the guests' clients (in this process) would hear everything that long late.
  const msPerWindow = await sileroMsPerWindow();
  voice.vadUsPerWindow = msPerWindow * 1000;
  voice.vadCpu = ((voice.vadWindows.inferred * msPerWindow) / 1000 / voiceSeconds) * 100;
  const egress = (pick: (b: (typeof bargeIns)[number]['egress']) => number) =>
    spread(bargeIns.map((b) => pick(b.egress)));
  return {
    scenario: 'ten-guests',
    guests: GUESTS,
    idleRss: sampler.peak('idle'),
    textRss: sampler.peak('text'),
    memory,
    talkingRss: highest(sampler.peak('text'), sampler.peak('voice'), sampler.peak('barge-in')),
    text,
    textCpu,
    textLoopLag,
    voice,
    bargeInMs: spread(bargeIns.map((b) => b.stoppedMs)),
    bargeInsFailed: BARGE_INS - bargeIns.length,
    egress: {
      payloadKbps: egress((e) => e.payloadKbps),
      wireKbps: egress((e) => e.wireKbps),
      audioPayloadKbps: egress((e) => e.audioPayloadKbps),
      audioHeaderKbps: egress((e) => e.audioHeaderKbps),
      packetsPerS: egress((e) => e.packetsPerS),
      liveKitAvgKbps: liveKitKbps,
    },
  };
}

runScenario(async (): Promise<TenGuestsResult> => {
  const stt = await new FakeStt().start();
  stt.setDefault(benchTranscript);
  const media = { STT_BASE_URL: stt.url, STT_MODEL: 'bench', VAD_END_SILENCE_MS: String(END_SILENCE_MS) };
  try {
    return await withBenchStack({ media }, talk);
  } finally {
    await stt.stop();
  }
});
