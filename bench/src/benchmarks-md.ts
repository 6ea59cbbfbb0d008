// BENCHMARKS.md at the repository root: when and where, the table, the budgets, how it was measured, and
// the breakdowns behind the headline figures.
import type { OneGuestResult, PeerResult, TenGuestsResult, CapacityResult } from './bench-result.js';
import type { Results } from './bench-rows.js';
import { type Row, markdownTable, measured, overBudget } from './bench-table.js';
import { composeMemoryLimitsMiB } from './compose-limits.js';
import type { Spread } from './stats.js';

export interface BenchRun {
  startedAt: Date;
  quick: boolean;
  wallS: number;
  machine: string;
  rows: Row[];
  results: Results;
  /** Per scenario: its wall time, and why it failed if it did. */
  scenarios: { id: string; seconds: number; error?: string }[];
}

const fmt = (s: Spread | undefined) => (s && measured(s.p50) ? `${s.p50} / ${s.p95}` : 'n/a');
const mb = (x: number | undefined) => (measured(x) ? x.toFixed(1) : 'n/a');

const METHOD = `- Everything on 127.0.0.1: a real LiveKit server, our four services as separate processes (as \`make dev\`
  runs them), the bench's own \`redis-server\` (no persistence; restarted for each scenario, so its RSS is the
  stack's alone), espeak-ng as the TTS engine (\`TTS_ENGINE=espeak\`, the shipped default). DeepSeek is a local fake
  that streams the whole answer in one chunk at once (time to first sentence ≈ 0, nothing subtracted for it); STT
  is a local fake that answers at once. The answers are the same for us and for the peer: a two-character code that
  no other turn of the run has (about 1 s of speech; never a TTS cache hit), so each turn is quick and the bench can
  tell turns apart. The persona's greeting is shortened to 你好。 for the bench (its system prompt is unchanged).
- Guests are \`@livekit/rtc-node\` clients (libs/testing \`GuestClient\`), each in a private room with the avatar,
  in the scenario's own Node process, **on the same two cores** as the stack: at 10 guests and more they take a
  real share of the CPU.
- **Text turn overhead** = message sent on \`lk.chat\` → first voiced 10 ms frame (RMS > 300) of the answer at the
  guest, minus the TTS engine's synthesis time of the first sentence (tts reports \`synthMs\` on the speech event;
  the peer's fake \`/audio/speech\` times the same espeak-ng run). A guest sends its next message once the previous
  answer has been heard to the end and the avatar is listening again. 1 guest: lockstep. 10 guests: each pauses a
  random 0–3 s before each turn. The first turn of each scenario warms the fresh stack up and is not counted.
- **Voice turn overhead** = end of the guest's speech (last loud sample of the espeak-ng clip) → first voiced
  answer frame, minus the endpoint silence (\`VAD_END_SILENCE_MS\`) and the first sentence's synthesis time. Every
  guest speaks once a round, spread over 4 s, with quiet noise (−60 dBFS) in between; Silero VAD runs in media.
- **Barge-in**: a guest asks for a six-sentence story and, once it is being heard, speaks over it; measured from
  the first loud sample of its speech to the avatar's last voiced frame at the guest.
- **RSS**: VmRSS from /proc every 500 ms; each figure is the peak in its phase, the total is the peak of the sum
  at one moment. 0 guests: the stack up, nobody connected. 10 guests talking: typing, then voice, then barge-in.
  The peer's total is its worker's whole process tree (worker, job processes busy and idle, inference process)
  plus its LiveKit server; ours is the four services, LiveKit and Redis.
- **CPU**: utime + stime from /proc/<pid>/stat over the phase, as % of one core (200 = both cores). The VAD model's
  share is the windows media ran it on (\`dh_vad_windows_total\`) times its CPU per window measured alone.
- **Avatar egress**: each guest's rtc-node \`getRtcStats()\` transport bytesReceived over 2 s of the avatar
  speaking (UDP payload; "+ IPv4/UDP" adds 28 bytes a packet, what the server's uplink carries), and LiveKit's
  \`livekit_packet_bytes{direction="outgoing"}\` between its first and last step in the typing phase ÷ guests.
- **Capacity**: guests join in steps of 10, 20, 40, 80, 160 (added to the previous step); at each step every guest
  takes 3 turns with 0–3 s pauses (QUICK=1: no ramp; the 10-guest typing phase is its only step); the ramp stops at the first step with p95 ≥ 150 ms, a failed join or turn, or
  when the next step would not fit in 3 minutes. The admission limits are raised for the bench (\`MAX_GUESTS\`,
  \`JOIN_RATE_LIMIT\`, \`MESSAGE_RATE_LIMIT\`, \`BANDWIDTH_CAP_KBPS\`): only the machine limits it.
- **Peer**: a LiveKit Agents for Node worker (bench/peer, production mode, one idle process) driven by the same
  client, with the same fake LLM and the same espeak-ng speech; 1 conversation in lockstep and 10 with pauses.
- Other people's tests may share this machine while the bench runs: figures, latency above all, can be noisy.`;

function budgets(rows: readonly Row[]): string {
  const over = overBudget(rows);
  const within = rows.filter((r) => r.budget !== undefined && !over.includes(r));
  const line = (r: Row, verdict: string) =>
    `- ${verdict} ${r.name}: ${measured(r.value) ? r.value.toFixed(1) : 'n/a'} ${r.unit} (budget ${r.budget} ${r.unit})`;
  return [...over.map((r) => line(r, '**over**')), ...within.map((r) => line(r, 'within'))].join('\n');
}

function stageTable(one: OneGuestResult | undefined, ten: TenGuestsResult | undefined): string {
  const names = Object.keys(one?.text.stages ?? ten?.text.stages ?? {});
  if (names.length === 0) return '';
  const rows = names.map((s) => `| ${s} | ${fmt(one?.text.stages?.[s])} | ${fmt(ten?.text.stages?.[s])} |`);
  return [
    '### Text turns: ms after the message, p50 / p95 (job steps include synthesis)',
    '',
    `| step | 1 guest (${one?.text.overheadMs.n ?? 0} turns) | 10 guests (${ten?.text.overheadMs.n ?? 0} turns) |`,
    '|---|---:|---:|',
    ...rows,
    '',
    'utterance: media wrote the utterance event; jobAdded/jobStarted/jobDone: the BullMQ tts job; speechEvent: tts',
    "wrote the first sentence's speech event; voiced: first voiced frame at the guest; llmMs: dialogue's own count.",
  ].join('\n');
}

function details(results: Results): string {
  const one = results['one-guest'] as OneGuestResult | undefined;
  const ten = results['ten-guests'] as TenGuestsResult | undefined;
  const capacity = results.capacity as CapacityResult | undefined;
  const peers = ['peer-1', 'peer-10'].map((id) => results[id] as PeerResult | undefined).filter((p) => p);
  const out: string[] = [stageTable(one, ten)];
  if (ten) {
    const v = ten.voice;
    out.push(
      '',
      `### Voice turns (10 guests, ${v.overheadMs.n} turns; ${ten.bargeInMs.n} barge-ins), ms, p50 / p95`,
      '',
      `speech end → media's utterance event ${fmt(v.utteranceMs)}; → own transcript ${fmt(v.transcriptMs)}; ` +
        `→ first speech event ${fmt(v.speechEventMs)}; → first voiced answer frame ${fmt(v.answerMs)}; ` +
        `endpoint silence ${v.endSilenceMs} ms. VAD model run on ${v.vadWindows.inferred} windows, ` +
        `${v.vadWindows.skippedQuiet} skipped as quiet, ${v.vadUsPerWindow.toFixed(0)} µs CPU a window. ` +
        `Media's event loop delay meanwhile: p99 ${v.mediaLoopLag.p99Ms.toFixed(0)} ms, max ${v.mediaLoopLag.maxMs.toFixed(0)} ms.`,
      '',
      '### Event loop delay while 10 guests type (p99 / max ms)',
      '',
      Object.entries(ten.textLoopLag)
        .map(([name, lag]) => `${name} ${lag.p99Ms.toFixed(0)} / ${lag.maxMs.toFixed(0)}`)
        .join('; ') + '.',
      '',
      '### Avatar egress while speaking (per guest, p50 / p95)',
      '',
      `UDP payload ${fmt(ten.egress.payloadKbps)} kbit/s, of which Opus ${fmt(ten.egress.audioPayloadKbps)} ` +
        `and RTP headers ${fmt(ten.egress.audioHeaderKbps)} kbit/s (the rest: SRTP tags, RTCP, data); ` +
        `${fmt(ten.egress.packetsPerS)} packets/s; ` +
        `with IPv4/UDP headers ${fmt(ten.egress.wireKbps)} kbit/s.`,
    );
  }
  if (capacity) {
    out.push(
      '',
      '### Capacity ramp',
      '',
      '| guests | turns | overhead p50 / p95 ms | passed | s |',
      '|---:|---:|---:|---|---:|',
      ...capacity.steps.map(
        (s) =>
          `| ${s.guests} | ${s.turns} | ${fmt(s.overheadMs ?? undefined)} | ${s.passed ? 'yes' : `no: ${s.failure}`} | ${s.seconds.toFixed(0)} |`,
      ),
      '',
      `Stopped by: ${capacity.stoppedBy}.`,
    );
  }
  for (const peer of peers)
    out.push(
      '',
      `### Peer, ${peer!.guests} conversation(s), ${peer!.text.overheadMs.n} turns (LiveKit Agents ${peer!.agentsVersion})`,
      '',
      `Worker tree peak ${mb(peer!.rss.tree)} MB (idle ${mb(peer!.idleRss.tree)} MB), its LiveKit ${mb(peer!.rss.livekit)} MB; ` +
        `processes at the end: ${Object.entries(peer!.processes)
          .map(([r, c]) => `${c} ${r}`)
          .join(', ')}.`,
    );
  if (ten) {
    const limits = composeMemoryLimitsMiB();
    out.push(
      '',
      '### Memory for the Compose limits (peak RSS, 10 guests talking)',
      '',
      '| container | peak MB | mem_limit in docker-compose.yml (MiB) | at the end, MB: RSS (anonymous + files) / V8 heap used of total / external |',
      '|---|---:|---:|---|',
      ...['gateway', 'dialogue', 'tts', 'media', 'livekit', 'redis'].map((s) => {
        const m = ten.memory[s];
        const parts = m
          ? `${mb(m.rssMb)} (${mb(m.anonMb)} + ${mb(m.fileMb)}) / ${mb(m.heapUsedMb)} of ${mb(m.heapTotalMb)} / ${mb(m.externalMb)}`
          : '–';
        return `| ${s} | ${mb(ten.talkingRss[s])} | ${limits[s] ?? 'n/a'} | ${parts} |`;
      }),
    );
  }
  return out.join('\n');
}

export function benchmarksMarkdown(run: BenchRun): string {
  const failed = run.scenarios.filter((s) => s.error);
  return [
    '# Benchmarks',
    '',
    `\`make bench${run.quick ? ' QUICK=1' : ''}\` (issue #7), run ${run.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ` +
      `${run.wallS.toFixed(0)} s. Written by bench/src/bench.ts: edit that, not this file.`,
    '',
    `Machine: ${run.machine}.`,
    '',
    markdownTable(run.rows),
    '',
    'Ratio = our value ÷ the peer\'s; "–": the peer has no counterpart; "n/a": not measured.',
    '',
    '## Budgets',
    '',
    budgets(run.rows),
    '',
    '## Method',
    '',
    METHOD,
    '',
    '## Details',
    '',
    details(run.results),
    '',
    '### Scenarios',
    '',
    run.scenarios
      .map((s) => `- ${s.id}: ${s.seconds.toFixed(0)} s${s.error ? ` — failed: ${s.error}` : ''}`)
      .join('\n'),
    ...(failed.length > 0
      ? ['', "Failed scenarios leave their rows at n/a; their logs are named in the run's output."]
      : []),
    '',
  ].join('\n');
}
