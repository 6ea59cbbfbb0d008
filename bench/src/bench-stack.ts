// Our stack as the bench runs it: libs/testing's Stack (real LiveKit, the four services as processes, Redis
// at REDIS_URL — the bench's own redis-server, see redis-server.ts) with the bench's fake LLM answers, and the
// admission limits raised so that only the machine limits how many guests are served.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceName } from '@dh/contracts';
import { type GuestClient, Stack, repoRoot, waitFor } from '@dh/testing';
import { benchLlmReply } from './fake-answers.js';
import { rssMb } from './process-memory.js';
import type { Probe } from './resource-sampler.js';

const BENCH_ENV: Record<string, string> = {
  LOG_LEVEL: 'warn',
  // Guests here send a message every second or two; the product's per-guest limits are not what is measured.
  MESSAGE_RATE_LIMIT: '10000',
  MAX_GUESTS: '1000',
  JOIN_RATE_LIMIT: '100000',
  // Loopback has no 4 Mbit/s uplink: the governor must not refuse the capacity ramp's guests.
  BANDWIDTH_CAP_KBPS: '10000000',
};

/**
 * The shipped persona with a short greeting: every guest is greeted before its first turn, and the shipped one
 * takes 4 s to say (times 50 guests in the ramp). Its system prompt, what the LLM is sent, is unchanged.
 */
function benchPersonaFile(): string {
  const persona = JSON.parse(readFileSync(join(repoRoot(), 'config/persona.json'), 'utf8')) as Record<string, unknown>;
  const dir = mkdtempSync(join(tmpdir(), 'dh-bench-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'persona.json');
  writeFileSync(file, JSON.stringify({ ...persona, greeting: '你好。' }));
  return file;
}

/**
 * Runs `work` on a bench stack started for it and stopped after it; should `work` fail, the services' last
 * lines of output go to stderr first (the scenario's log).
 */
export async function withBenchStack<T>(
  serviceEnv: Partial<Record<ServiceName, Record<string, string>>>,
  work: (stack: Stack) => Promise<T>,
): Promise<T> {
  // BENCH_CPU_PROF=<dir>: every service writes a V8 CPU profile there when it stops (to see what a figure costs).
  const profileDir = process.env.BENCH_CPU_PROF;
  const preload = join(import.meta.dirname, 'cpu-profile-preload.js');
  const profile: Record<string, string> = profileDir
    ? { BENCH_CPU_PROF: profileDir, NODE_OPTIONS: `--import ${preload}` }
    : {};
  const stack = new Stack({
    env: { ...BENCH_ENV, ...profile },
    serviceEnv: { ...serviceEnv, dialogue: { PERSONA_FILE: benchPersonaFile(), ...serviceEnv.dialogue } },
  });
  try {
    await stack.start();
    stack.deepseek.setDefault(benchLlmReply);
    return await work(stack);
  } catch (error) {
    reportServiceOutput(stack);
    throw error;
  } finally {
    await stack.stop();
  }
}

/** The last lines each service wrote (warnings and errors: the bench runs them at LOG_LEVEL=warn), on stderr. */
function reportServiceOutput(stack: Stack, lines = 30): void {
  for (const [name, service] of Object.entries(stack.services))
    for (const line of service.output.slice(-lines)) process.stderr.write(`[${name}] ${line}\n`);
}

/** The processes a deployment runs: the four services, LiveKit and Redis (BENCH_REDIS_PID, when the bench started it). */
export function stackPids(stack: Stack): Record<string, number | undefined> {
  const redis = process.env.BENCH_REDIS_PID ? Number(process.env.BENCH_REDIS_PID) : undefined;
  return {
    gateway: stack.services.gateway.process?.pid,
    dialogue: stack.services.dialogue.process?.pid,
    tts: stack.services.tts.process?.pid,
    media: stack.services.media.process?.pid,
    livekit: stack.livekit.process.pid,
    redis,
  };
}

export function rssProbes(pids: Record<string, number | undefined>): Record<string, Probe> {
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, () => rssMb(pid)]));
}

/** `count` guests join through the gateway (a few at a time, as people arrive), each greeted and listening. */
export async function joinGuests(stack: Stack, count: number, first = 1, atOnce = 10): Promise<GuestClient[]> {
  const guests: GuestClient[] = [];
  for (let i = 0; i < count; i += atOnce) {
    const batch = Array.from({ length: Math.min(atOnce, count - i) }, (_, j) => stack.guest(`客人${first + i + j}`));
    guests.push(...(await Promise.all(batch)));
  }
  await Promise.all(
    guests.map(async (guest) => {
      await guest.waitForTranscriptions(1, 60_000);
      await waitFor('listening', () => guest.avatarState === 'listening', 60_000);
    }),
  );
  return guests;
}
