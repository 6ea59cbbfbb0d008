// Runs one scenario as a child process of its own (a fresh stack; rtc-node and its threads gone with it) and
// collects its `BENCH_RESULT` line. The child leads a process group of its own, so that ending it ends
// everything it started (services, LiveKit, the peer's job processes), on time-out, failure or our exit.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '@dh/testing';
import { type BenchResult, RESULT_PREFIX } from './bench-result.js';

export interface ScenarioSpec {
  /** Label in logs and progress lines, e.g. `peer-10`. */
  id: string;
  /** Entry point under bench/dist/src/scenarios/, without `.js`. */
  script: string;
  env: Record<string, string>;
  timeoutS: number;
}

export interface ScenarioRun {
  result?: BenchResult;
  error?: string;
  seconds: number;
}

const running = new Set<ChildProcess>();

/** Ends every scenario still running, with all it started; synchronous, so that it can run at exit. */
export function killAllScenarios(): void {
  for (const child of running) signalGroup(child, 'SIGKILL');
}

export async function runScenarioProcess(spec: ScenarioSpec, logDir: string): Promise<ScenarioRun> {
  const started = performance.now();
  const log = createWriteStream(join(logDir, `${spec.id}.log`));
  const child = spawn(process.execPath, [join(repoRoot(), 'bench/dist/src/scenarios', `${spec.script}.js`)], {
    env: { ...process.env, NODE_ENV: 'production', ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  let result: BenchResult | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith(RESULT_PREFIX)) result = JSON.parse(line.slice(RESULT_PREFIX.length)) as BenchResult;
    log.write(`${line}\n`);
  });
  child.stderr.pipe(log, { end: false });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    signalGroup(child, 'SIGTERM');
    setTimeout(() => signalGroup(child, 'SIGKILL'), 5_000).unref();
  }, spec.timeoutS * 1_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  // Whatever the scenario left behind in its group (it should have stopped all of it).
  signalGroup(child, 'SIGKILL');
  running.delete(child);
  await new Promise<void>((resolve) => log.end(resolve));
  const seconds = (performance.now() - started) / 1_000;
  if (timedOut) return { error: `timed out after ${spec.timeoutS} s`, seconds };
  if (code !== 0 || !result) return { error: `exited with ${code}${result ? '' : ', no result'}`, seconds };
  return { result, seconds };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // the group is empty
  }
}
