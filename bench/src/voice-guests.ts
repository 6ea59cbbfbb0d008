// Voice input at scale, through the real stack (real Redis, LiveKit, espeak-ng, Silero VAD; STT and DeepSeek
// replaced by local fakes that answer at once). GUESTS guests each publish a microphone and say a short
// sentence every few seconds; the rest of the time their microphones carry quiet room noise. Reports media's
// CPU (VAD, endpointing, STT upload, playback) and RSS, the VAD's share, and each voice turn broken down: end
// of speech -> endpoint (VAD silence) -> transcript -> first voiced answer frame.
//
//   GUESTS=10 ROUNDS=4 node bench/dist/src/voice-guests.js
import { readFileSync } from 'node:fs';
import { AVATAR_IDENTITY } from '@dh/contracts';
import { SileroVad } from '@dh/media/dist/src/listening/silero-vad.js';
import {
  FakeStt,
  type GuestClient,
  Stack,
  concatAudio,
  durationMs,
  espeakSpeech,
  resample,
  silence,
  sleep,
  waitFor,
  whiteNoise,
} from '@dh/testing';
import { percentile, rssMb } from './process-memory.js';

/** Milliseconds of CPU per Silero window on this machine: the model run alone on speech, as media runs it. */
async function sileroMsPerWindow(): Promise<number> {
  const vad = await SileroVad.load();
  const stream = vad.stream();
  const audio = resample(espeakSpeech('今天天气很好，我们一起去公园散步吧。'), 16_000).pcm;
  const window = new Float32Array(512);
  for (let i = 0; i < 500; i += 1) stream.probability(window); // warm up: media's model has long been compiled
  const windows = 2_000;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < windows; i += 1) {
    const offset = (i * 512) % Math.max(512, audio.length - 512);
    for (let j = 0; j < 512; j += 1) window[j] = (audio[offset + j] ?? 0) / 32_768;
    stream.probability(window);
  }
  const used = process.cpuUsage(cpu0);
  return (used.user + used.system) / 1000 / windows;
}

const GUESTS = Number(process.env.GUESTS ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 4);
const TICKS_PER_S = 100; // USER_HZ on Linux

function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

async function metric(port: number, name: string, label = ''): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name) && l.includes(label))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

interface VoiceTurn {
  /** Speech end -> guest transcript received (VAD endpoint + STT + publish). */
  transcriptMs: number;
  /** Speech end -> first voiced frame of the answer. */
  answerMs: number;
}

const stt = new FakeStt();
await stt.start();
stt.setDefault(() => '你好');
const stack = new Stack({
  serviceEnv: { media: { STT_BASE_URL: stt.url, STT_MODEL: 'bench' } },
});
await stack.start();
const mediaPid = stack.services.media.process?.pid;
try {
  const guests: GuestClient[] = [];
  for (let i = 0; i < GUESTS; i += 1) guests.push(await stack.guest(`客人${i + 1}`));
  await waitFor(
    'every guest greeted',
    () => guests.every((g) => g.transcriptions.some((t) => t.from === AVATAR_IDENTITY)),
    60_000,
  );
  await sleep(3_000);
  const mics = await Promise.all(guests.map((g) => g.publishMicrophone()));
  const speech = espeakSpeech('你好开心');
  const quiet = whiteNoise(4_000, -60);
  const rss0 = rssMb(mediaPid);
  const cpu0 = cpuSeconds(mediaPid);
  const inferred0 = await metric(stack.metricsPorts.media, 'dh_vad_windows_total', 'inferred');
  const skipped0 = await metric(stack.metricsPorts.media, 'dh_vad_windows_total', 'skipped_quiet');
  const started = Date.now();
  const turns: VoiceTurn[] = [];
  let rssPeak = rss0;

  await Promise.all(
    guests.map(async (guest, i) => {
      await sleep((i * 4_000) / GUESTS); // spread the guests over a round
      for (let round = 0; round < ROUNDS; round += 1) {
        const heard = guest.transcriptions.length;
        const play = mics[i]!.play(concatAudio(speech, silence(300), quiet));
        const speechEnd = Date.now() + durationMs(speech);
        const mine = await waitFor(
          'transcript',
          () => guest.transcriptions.slice(heard).find((t) => t.from === guest.join.identity && t.final),
          30_000,
        );
        const voiced = await waitFor('answer voice', () => guest.firstVoicedAfter(mine.at), 30_000);
        turns.push({ transcriptMs: mine.at - speechEnd, answerMs: voiced - speechEnd });
        rssPeak = Math.max(rssPeak, rssMb(mediaPid));
        await play;
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  const cpu = cpuSeconds(mediaPid) - cpu0;
  const inferred = (await metric(stack.metricsPorts.media, 'dh_vad_windows_total', 'inferred')) - inferred0;
  const skipped = (await metric(stack.metricsPorts.media, 'dh_vad_windows_total', 'skipped_quiet')) - skipped0;
  const row = (name: string, value: number, unit: string) =>
    process.stdout.write(`${name.padEnd(44)} ${value.toFixed(1).padStart(8)} ${unit}\n`);
  process.stdout.write(`\nvoice input: ${GUESTS} guests, ${turns.length} voice turns over ${seconds.toFixed(0)} s\n`);
  row('media CPU (all work), % of one core', (cpu / seconds) * 100, '%');
  row('VAD model windows run / skipped (gate)', inferred, `/ ${skipped.toFixed(0)}`);
  const perWindow = await sileroMsPerWindow();
  row('VAD model CPU per window (measured alone)', perWindow * 1000, 'µs');
  row('VAD model CPU for these guests, % of one core', ((inferred * perWindow) / 1000 / seconds) * 100, '%');
  row('VAD if every window ran the model, % core', (((inferred + skipped) * perWindow) / 1000 / seconds) * 100, '%');
  row('media RSS before / peak', rss0, `/ ${rssPeak.toFixed(0)} MB`);
  const ms = (values: number[], p: number) => percentile(values, p);
  row(
    'speech end -> guest transcript p50',
    ms(
      turns.map((t) => t.transcriptMs),
      50,
    ),
    'ms',
  );
  row(
    'speech end -> guest transcript p95',
    ms(
      turns.map((t) => t.transcriptMs),
      95,
    ),
    'ms',
  );
  row(
    'speech end -> first answer frame p50',
    ms(
      turns.map((t) => t.answerMs),
      50,
    ),
    'ms',
  );
  row(
    'speech end -> first answer frame p95',
    ms(
      turns.map((t) => t.answerMs),
      95,
    ),
    'ms',
  );
} finally {
  await stack.stop();
  await stt.stop();
}
process.exit(0);
