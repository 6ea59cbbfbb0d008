// Text turn overhead and memory, measured through the real stack (real Redis, LiveKit, espeak-ng; DeepSeek
// replaced by a local fake that answers at once). For each turn: message sent on lk.chat -> first voiced
// audio frame at the guest, minus the fake LLM's first-sentence time (0: it answers in one chunk at once) and
// the TTS engine's synthesis time of that sentence (reported by tts). What is left is this project's own cost.
//
//   node bench/dist/src/text-turns.js            # 1 guest, 20 turns
//   GUESTS=10 TURNS=20 node bench/dist/src/text-turns.js            # everyone at once, in lockstep
//   GUESTS=10 TURNS=20 THINK_MS=3000 node bench/dist/src/text-turns.js  # guests pause up to 3 s between turns
import { Streams, TTS_QUEUE, bullPrefix, ttsJobId } from '@dh/contracts';
import { type GuestClient, Stack, sleep, waitFor } from '@dh/testing';
import { percentile, rssMb } from './process-memory.js';

const GUESTS = Number(process.env.GUESTS ?? 1);
const TURNS = Number(process.env.TURNS ?? 20);
/** Longest pause a guest takes before the next message (uniform from 0); 0 sends all at once, in lockstep. */
const THINK_MS = Number(process.env.THINK_MS ?? 0);

function memory(stack: Stack): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, service] of Object.entries(stack.services)) out[name] = rssMb(service.process?.pid);
  out.livekit = rssMb(stack.livekit.process.pid);
  return out;
}

interface Stages {
  synthMs: number;
  /** Dialogue's own count: its turn start to the first sentence ready (includes the LLM request). */
  llmMs: number;
  /** Milliseconds from the message being sent to each step of its first sentence. */
  utterance: number;
  jobAdded: number;
  jobStarted: number;
  jobDone: number;
  speechEvent: number;
  voiced: number;
}

/** When each step happened, from the stream entry ids (ms) and the BullMQ job's own timestamps. */
async function stages(stack: Stack, turnId: string, sentAt: number, voicedAt: number): Promise<Stages> {
  const idMs = (id: string) => Number(id.split('-')[0]);
  const find = async (stream: string, match: (e: Record<string, unknown>) => boolean) => {
    for (const [id, fields] of await stack.ns.redis.xrange(stack.ns.key(stream), '-', '+')) {
      const event = JSON.parse(fields[1]!) as Record<string, unknown>;
      if (match(event)) return { id, event };
    }
    throw new Error(`no entry for turn ${turnId} in ${stream}`);
  };
  const utterance = await find(Streams.utterances, (e) => e.turnId === turnId);
  const speech = await find(
    Streams.speech,
    (e) => e.type === 'speech.sentence' && e.turnId === turnId && e.index === 0,
  );
  const job = await stack.ns.redis.hgetall(`${bullPrefix(stack.ns.prefix)}:${TTS_QUEUE}:${ttsJobId(turnId, 0)}`);
  return {
    synthMs: Number(speech.event.synthMs ?? 0),
    llmMs: Number(speech.event.llmMs ?? 0),
    utterance: idMs(utterance.id) - sentAt,
    jobAdded: Number(job.timestamp) - sentAt,
    jobStarted: Number(job.processedOn) - sentAt,
    jobDone: Number(job.finishedOn) - sentAt,
    speechEvent: idMs(speech.id) - sentAt,
    voiced: voicedAt - sentAt,
  };
}

async function turn(stack: Stack, guest: GuestClient, n: number): Promise<Stages> {
  // The previous answer's last frames must have arrived, or they would count as this answer's first.
  await waitFor('silence', () => Date.now() - (guest.voicedFrameTimes.at(-1) ?? 0) > 300, 30_000);
  const from = guest.transcriptions.length;
  // A different message every time, so the TTS cache never answers for the engine.
  const sentAt = await guest.say(`第${n}个问题，编号${Math.random().toString(36).slice(2, 8)}`);
  const first = await waitFor('the answer', () => guest.transcriptions[from], 30_000);
  const voicedAt = await waitFor('voiced audio', () => guest.firstVoicedAfter(sentAt), 30_000);
  const turnId = first.segmentId.slice(0, first.segmentId.lastIndexOf('-'));
  await waitFor('the answer to end', () => guest.transcriptions.length >= from + 2, 30_000);
  await waitFor('listening', () => guest.avatarState === 'listening', 30_000);
  return stages(stack, turnId, sentAt, voicedAt);
}

const stack = new Stack({ env: { LOG_LEVEL: 'warn', MESSAGE_RATE_LIMIT: '1000' } });
await stack.start();
// One chunk, no delay: the fake LLM's own time to the first sentence is ~0 and is not subtracted.
stack.deepseek.setDefault((request) => {
  const last = [...(request.body.messages ?? [])].reverse().find((m) => m.role === 'user')?.content ?? '';
  return { stream: `好的，你说的是${last}。我是开心，很高兴和你聊天！`, chunkChars: 1000, delayMs: 0 };
});
try {
  const guests: GuestClient[] = [];
  for (let i = 0; i < GUESTS; i += 1) guests.push(await stack.guest(`客人${i + 1}`));
  await Promise.all(guests.map((g) => g.waitForTranscriptions(1)));
  await Promise.all(guests.map((g) => waitFor('listening', () => g.avatarState === 'listening', 30_000)));
  await sleep(3_000);
  const idle = memory(stack);
  const turns: Stages[] = [];
  await Promise.all(
    guests.map(async (guest) => {
      for (let n = 1; n <= TURNS; n += 1) {
        await sleep(Math.random() * THINK_MS);
        turns.push(await turn(stack, guest, n));
      }
    }),
  );
  const overheads = turns.map((t) => t.voiced - t.synthMs);
  await sleep(2_000);
  const after = memory(stack);
  const media = await stack.metrics('media');
  const metric = (name: string) =>
    Number(new RegExp(`^${name}\\{[^}]*input="text"[^}]*\\} (\\S+)`, 'm').exec(media)?.[1]);
  const capturedMean = (1000 * metric('dh_turn_latency_seconds_sum')) / metric('dh_turn_latency_seconds_count');
  const voicedMean = turns.reduce((sum, t) => sum + t.voiced, 0) / turns.length;
  const fmt = (x: number) => x.toFixed(1);
  console.log(
    `\ntext turn overhead, ${GUESTS} guest(s) x ${TURNS} turns (${overheads.length} turns), think ≤ ${THINK_MS} ms`,
  );
  console.log(
    `  p50 ${fmt(percentile(overheads, 50))} ms   p95 ${fmt(percentile(overheads, 95))} ms   max ${fmt(Math.max(...overheads))} ms`,
  );
  console.log('\nms after the message was sent (job steps include synthesis)   p50     p95');
  for (const step of [
    'utterance',
    'jobAdded',
    'jobStarted',
    'jobDone',
    'speechEvent',
    'voiced',
    'synthMs',
    'llmMs',
  ] as const) {
    const values = turns.map((t) => t[step]);
    const p50 = fmt(percentile(values, 50)).padStart(7);
    console.log(`  ${step.padEnd(12)} ${p50} ${fmt(percentile(values, 95)).padStart(7)}`);
  }
  console.log(
    `  mean: first frame queued in media ${fmt(capturedMean)} ms after media got the message; heard ${fmt(voicedMean)} ms after it was sent`,
  );
  console.log('\nRSS (MB)        idle    after turns');
  for (const name of Object.keys(idle))
    console.log(`  ${name.padEnd(12)} ${fmt(idle[name]!).padStart(6)}  ${fmt(after[name]!).padStart(6)}`);
} finally {
  await stack.stop();
}
