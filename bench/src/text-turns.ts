// Text turn overhead and memory, measured through the real stack (real Redis, LiveKit, espeak-ng; DeepSeek
// replaced by a local fake that answers at once). For each turn: message sent on lk.chat -> first voiced
// audio frame at the guest, minus the fake LLM's first-sentence time (0: it answers in one chunk at once) and
// the TTS engine's synthesis time of that sentence (reported by tts). What is left is this project's own cost.
//
//   node bench/dist/src/text-turns.js            # 1 guest, 20 turns
//   GUESTS=10 TURNS=20 node bench/dist/src/text-turns.js
import { Streams } from '@dh/contracts';
import { type GuestClient, Stack, sleep, waitFor } from '@dh/testing';
import { percentile, rssMb } from './process-memory.js';

const GUESTS = Number(process.env.GUESTS ?? 1);
const TURNS = Number(process.env.TURNS ?? 20);

function memory(stack: Stack): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, service] of Object.entries(stack.services)) out[name] = rssMb(service.process?.pid);
  out.livekit = rssMb(stack.livekit.process.pid);
  return out;
}

async function synthMs(stack: Stack, turnId: string): Promise<number> {
  const entries = await stack.ns.redis.xrange(stack.ns.key(Streams.speech), '-', '+');
  for (const [, fields] of entries) {
    const event = JSON.parse(fields[1]!) as { type: string; turnId: string; index?: number; synthMs?: number };
    if (event.type === 'speech.sentence' && event.turnId === turnId && event.index === 0) return event.synthMs ?? 0;
  }
  throw new Error(`no first sentence for turn ${turnId}`);
}

async function turn(stack: Stack, guest: GuestClient, n: number): Promise<number> {
  const from = guest.transcriptions.length;
  // A different message every time, so the TTS cache never answers for the engine.
  const sentAt = await guest.say(`第${n}个问题，编号${Math.random().toString(36).slice(2, 8)}`);
  const first = await waitFor('the answer', () => guest.transcriptions[from], 30_000);
  const voicedAt = await waitFor('voiced audio', () => guest.firstVoicedAfter(sentAt), 30_000);
  const turnId = first.segmentId.slice(0, first.segmentId.lastIndexOf('-'));
  const synth = await synthMs(stack, turnId);
  await waitFor('the answer to end', () => guest.transcriptions.length >= from + 2, 30_000);
  await waitFor('listening', () => guest.avatarState === 'listening', 30_000);
  return voicedAt - sentAt - synth;
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
  const overheads: number[] = [];
  await Promise.all(
    guests.map(async (guest) => {
      for (let n = 1; n <= TURNS; n += 1) overheads.push(await turn(stack, guest, n));
    }),
  );
  await sleep(2_000);
  const after = memory(stack);
  const fmt = (x: number) => x.toFixed(1);
  console.log(`\ntext turn overhead, ${GUESTS} guest(s) x ${TURNS} turns (${overheads.length} turns)`);
  console.log(
    `  p50 ${fmt(percentile(overheads, 50))} ms   p95 ${fmt(percentile(overheads, 95))} ms   max ${fmt(Math.max(...overheads))} ms`,
  );
  console.log('\nRSS (MB)        idle    after turns');
  for (const name of Object.keys(idle))
    console.log(`  ${name.padEnd(12)} ${fmt(idle[name]!).padStart(6)}  ${fmt(after[name]!).padStart(6)}`);
} finally {
  await stack.stop();
}
