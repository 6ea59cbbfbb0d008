// The peer side of `make bench` (issue #7): a LiveKit Agents for Node worker (bench/peer/agent.mjs) on a real
// LiveKit server, its LLM on the same fake DeepSeek with the same fixed timing as text-turns.ts (one chunk, at
// once) and its TTS on a fake OpenAI `/audio/speech` speaking espeak-ng (peer-speech.ts). Each guest is the
// same GuestClient our bench uses, in a room of its own that the worker is dispatched to automatically. Per
// turn: message sent on lk.chat -> first voiced audio frame at the guest, minus the synthesis time of the
// turn's first TTS request (the fake LLM's first-sentence time is ~0, as in text-turns.ts). Memory: VmRSS of
// the worker and every process below it (job processes, idle ones, the inference process).
//
//   npm ci --prefix bench/peer   # once: @livekit/agents is not part of the product's workspaces
//   node bench/dist/src/peer-turns.js                      # 1 guest, 20 turns
//   GUESTS=10 TURNS=10 THINK_MS=3000 node bench/dist/src/peer-turns.js
//
// Prints `name | value | unit` rows and one `PEER_RESULT {json}` line for the merged table.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { signAccessToken } from '@dh/livekit';
import { dispose } from '@livekit/rtc-node';
import { FakeDeepSeek, GuestClient, freePort, repoRoot, sleep, startLiveKit, waitFor } from '@dh/testing';
import { EspeakSpeech, type Synthesis } from './peer-speech.js';
import { percentile, rssMb } from './process-memory.js';

const GUESTS = Number(process.env.GUESTS ?? 1);
const TURNS = Number(process.env.TURNS ?? 20);
/** Longest pause a guest takes before the next message (uniform from 0); 0 sends all at once, in lockstep. */
const THINK_MS = Number(process.env.THINK_MS ?? 0);
/** Idle job processes the worker keeps warm (agent.mjs); 1 is the least its production mode allows. */
const IDLE_PROCESSES = Number(process.env.PEER_IDLE_PROCESSES ?? 1);

const root = repoRoot();
const agentScript = join(root, 'bench/peer/agent.mjs');
if (!existsSync(join(root, 'bench/peer/node_modules/@livekit/agents')))
  throw new Error('the peer is not installed: run `npm ci --prefix bench/peer` first');

interface ProcessInfo {
  pid: number;
  ppid: number;
  rssMb: number;
  /** What the process is, from its command line: worker, job, inference, or the program's name. */
  role: string;
}

function role(pid: number): string {
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  if (cmdline.includes('job_proc_lazy_main')) return 'job';
  if (cmdline.includes('inference_proc_lazy_main')) return 'inference';
  if (cmdline.includes('agent.mjs')) return 'worker';
  return cmdline.split(' ')[0] ?? '?';
}

/** `pid` and all its descendants, from /proc (a process gone between two reads is skipped). */
function processTree(pid: number): ProcessInfo[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name in field 2 may hold spaces and parentheses: fields are counted after its last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const tree: ProcessInfo[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.shift()!;
    try {
      tree.push({ pid: current, ppid: parents.get(current) ?? 0, rssMb: rssMb(current), role: role(current) });
    } catch {
      continue;
    }
    for (const [child, parent] of parents) if (parent === current) queue.push(child);
  }
  return tree;
}

interface TreeMemory {
  totalMb: number;
  processes: number;
  /** MB per role, summed: worker, job (busy and idle alike), inference. */
  byRole: Record<string, number>;
  countByRole: Record<string, number>;
}

function treeMemory(pid: number): TreeMemory {
  const tree = processTree(pid);
  const byRole: Record<string, number> = {};
  const countByRole: Record<string, number> = {};
  for (const p of tree) {
    byRole[p.role] = (byRole[p.role] ?? 0) + p.rssMb;
    countByRole[p.role] = (countByRole[p.role] ?? 0) + 1;
  }
  return { totalMb: tree.reduce((sum, p) => sum + p.rssMb, 0), processes: tree.length, byRole, countByRole };
}

interface Turn {
  voiced: number;
  synthMs: number;
  overhead: number;
}

const liveKit = await startLiveKit({ logLevel: 'warn' });
const deepseek = await new FakeDeepSeek().start();
const speech = await new EspeakSpeech().start();
// The same answer and timing as text-turns.ts. The peer's OpenAI client may send content as parts.
deepseek.setDefault((request) => {
  const user = [...(request.body.messages ?? [])].reverse().find((m) => m.role === 'user');
  const content = user?.content as string | { text?: string }[] | undefined;
  const last = Array.isArray(content) ? content.map((part) => part.text ?? '').join('') : (content ?? '');
  return { stream: `好的，你说的是${last}。我是开心，很高兴和你聊天！`, chunkChars: 1000, delayMs: 0 };
});

const healthPort = await freePort();
let output = '';
const worker: ChildProcess = spawn(process.execPath, [agentScript, 'start', '--log-level', 'warn'], {
  cwd: join(root, 'bench/peer'),
  env: {
    ...process.env,
    NODE_ENV: 'production',
    LIVEKIT_URL: liveKit.url,
    LIVEKIT_API_KEY: liveKit.apiKey,
    LIVEKIT_API_SECRET: liveKit.apiSecret,
    PEER_LLM_URL: deepseek.url,
    PEER_TTS_URL: speech.url,
    PEER_HEALTH_PORT: String(healthPort),
    PEER_IDLE_PROCESSES: String(IDLE_PROCESSES),
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
worker.stdout?.on('data', keep);
worker.stderr?.on('data', keep);
let workerExited = false;
worker.once('exit', () => (workerExited = true));

/** Stops the worker and, should it leave any behind, its job processes (only pids of its own tree). */
async function stopWorker(): Promise<void> {
  if (workerExited || worker.pid === undefined) return;
  const pids = processTree(worker.pid).map((p) => p.pid);
  worker.kill('SIGTERM');
  await waitFor('the worker to exit', () => workerExited, 10_000).catch(() => undefined);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

const guests: GuestClient[] = [];
try {
  await waitFor(
    'the peer worker to register',
    async () => {
      if (workerExited) throw new Error(`the worker exited:\n${output}`);
      return (await fetch(`http://127.0.0.1:${healthPort}/`).catch(() => undefined))?.ok;
    },
    60_000,
  );
  // The idle pool fills after registration; wait until it holds what it keeps.
  await waitFor(
    'the idle job processes',
    () => (treeMemory(worker.pid!).countByRole.job ?? 0) >= IDLE_PROCESSES,
    30_000,
  );
  await sleep(3_000);
  const noRooms = treeMemory(worker.pid!);

  for (let i = 0; i < GUESTS; i += 1) {
    const room = `peer-bench-${i + 1}-${Math.random().toString(36).slice(2, 8)}`;
    const identity = `guest-${i + 1}`;
    const token = await signAccessToken(
      { apiKey: liveKit.apiKey, apiSecret: liveKit.apiSecret },
      {
        identity,
        name: `客人${i + 1}`,
        ttlS: 3_600,
        video: { room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true },
      },
    );
    const guest = new GuestClient({ url: liveKit.url, token, room, identity });
    await guest.connect();
    guests.push(guest);
  }
  // Ready: the agent is in the room, listening, and its audio track is published (subscribed automatically).
  await Promise.all(
    guests.map(async (g) => {
      // With one warm process, the other jobs wait for theirs to start: allow for ten in a row.
      await g.waitForAvatar(90_000);
      await waitFor('the agent to listen', () => g.avatarState === 'listening', 30_000);
      await waitFor('the agent audio track', () => (g.avatar?.trackPublications.size ?? 0) > 0, 30_000);
    }),
  );
  await sleep(3_000);
  const joined = treeMemory(worker.pid!);
  const liveKitJoinedMb = rssMb(liveKit.process.pid);

  const turns: Turn[] = [];
  const turn = async (guest: GuestClient, n: number): Promise<Turn> => {
    // The previous answer's last frames must have arrived, or they would count as this answer's first.
    await waitFor('silence', () => Date.now() - (guest.voicedFrameTimes.at(-1) ?? 0) > 300, 30_000);
    // A different message every time, as in text-turns.ts; the code finds this turn's TTS request.
    const code = Math.random().toString(36).slice(2, 8);
    const sentAt = await guest.say(`第${n}个问题，编号${code}`);
    const voicedAt = await waitFor('voiced audio', () => guest.firstVoicedAfter(sentAt), 30_000);
    // The agent's first request for this turn: the earliest one after the message naming its code, else
    // (should the tokenizer cut the sentence before the code) the earliest after the message at all.
    const first = (list: Synthesis[]) => list.sort((a, b) => a.at - b.at)[0];
    const synthesis = await waitFor(
      'the turn synthesis',
      () =>
        first(speech.syntheses.filter((s) => s.at >= sentAt && s.input.includes(code))) ??
        (GUESTS === 1 ? first(speech.syntheses.filter((s) => s.at >= sentAt)) : undefined),
      10_000,
    );
    // The answer has ended when the agent, having spoken since the message, is back to listening.
    await waitFor(
      'the answer to end',
      () => {
        const since = guest.agentStates.filter((s) => s.at >= sentAt);
        const spoke = since.findIndex((s) => s.state === 'speaking');
        return spoke >= 0 && since.slice(spoke).some((s) => s.state === 'listening');
      },
      30_000,
    );
    const voiced = voicedAt - sentAt;
    return { voiced, synthMs: synthesis.synthMs, overhead: voiced - synthesis.synthMs };
  };
  await Promise.all(
    guests.map(async (guest) => {
      for (let n = 1; n <= TURNS; n += 1) {
        await sleep(Math.random() * THINK_MS);
        turns.push(await turn(guest, n));
      }
    }),
  );
  await sleep(2_000);
  const after = treeMemory(worker.pid!);
  const liveKitAfterMb = rssMb(liveKit.process.pid);

  const p = (values: number[], q: number) => Number(percentile(values, q).toFixed(1));
  const spread = (values: number[]) => ({ p50: p(values, 50), p95: p(values, 95) });
  const overheads = turns.map((t) => t.overhead);
  const result = {
    guests: GUESTS,
    turns: turns.length,
    thinkMs: THINK_MS,
    idleProcesses: IDLE_PROCESSES,
    overheadMs: { ...spread(overheads), max: p(overheads, 100) },
    voicedMs: spread(turns.map((t) => t.voiced)),
    synthMs: spread(turns.map((t) => t.synthMs)),
    rssTreeMb: { noRooms, joined, afterTurns: after },
    liveKitRssMb: { joined: liveKitJoinedMb, afterTurns: liveKitAfterMb },
    agentsVersion: (
      JSON.parse(readFileSync(join(root, 'bench/peer/node_modules/@livekit/agents/package.json'), 'utf8')) as {
        version: string;
      }
    ).version,
  };
  const fmt = (x: number) => x.toFixed(1);
  const tag = `${GUESTS} guest${GUESTS === 1 ? '' : 's'}`;
  console.log(
    `\npeer (LiveKit Agents ${result.agentsVersion}): text turn overhead, ${tag} x ${TURNS} turns, think ≤ ${THINK_MS} ms`,
  );
  console.log(`peer text turn overhead p50, ${tag} | ${fmt(result.overheadMs.p50)} | ms`);
  console.log(`peer text turn overhead p95, ${tag} | ${fmt(result.overheadMs.p95)} | ms`);
  console.log(`peer RSS total (worker tree), no rooms | ${fmt(noRooms.totalMb)} | MB`);
  console.log(`peer RSS total (worker tree), ${tag} joined | ${fmt(joined.totalMb)} | MB`);
  console.log(`peer RSS total (worker tree), ${tag} after turns | ${fmt(after.totalMb)} | MB`);
  console.log(`peer RSS livekit, ${tag} joined | ${fmt(liveKitJoinedMb)} | MB`);
  console.log(`peer RSS livekit, ${tag} after turns | ${fmt(liveKitAfterMb)} | MB`);
  for (const [name, memory] of Object.entries({ 'no rooms': noRooms, joined, 'after turns': after })) {
    const parts = Object.entries(memory.byRole).map(
      ([r, mb]) => `${r} ${memory.countByRole[r]}× ${fmt(mb / memory.countByRole[r]!)} MB`,
    );
    console.log(`  tree ${name}: ${memory.processes} processes: ${parts.join(', ')}`);
  }
  console.log(`PEER_RESULT ${JSON.stringify(result)}`);
} catch (error) {
  console.error(`peer worker output (last lines):\n${output.split('\n').slice(-40).join('\n')}`);
  throw error;
} finally {
  for (const guest of guests) await guest.disconnect();
  await stopWorker();
  await speech.stop();
  await deepseek.stop();
  await liveKit.stop();
  // rtc-node's native side keeps the process alive until disposed (as Stack.stop does); guests are gone.
  await dispose();
}
