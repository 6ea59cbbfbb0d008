// `make bench` (issue #7, contract section 7): runs each scenario as its own process on a fresh stack (and the
// LiveKit Agents peer the same way), merges their results into one table `name | value | unit | peer value |
// ratio`, prints it and writes it with date, machine and method to BENCHMARKS.md at the repository root.
//
//   node bench/dist/src/bench.js            # the full run, under 10 minutes
//   QUICK=1 node bench/dist/src/bench.js    # fewer turns, no ramp, peer at 1 conversation: under 2 minutes
//
// Scenario logs go to a temporary folder named at the start. Every child and everything it started is ended
// on exit, on SIGINT/SIGTERM and on failure.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@dh/testing';
import { benchPlan } from './bench-plan.js';
import { type Results, benchRows } from './bench-rows.js';
import { textTable } from './bench-table.js';
import { type BenchRun, benchmarksMarkdown } from './benchmarks-md.js';
import { describeMachine } from './machine.js';
import { peerInstalled } from './peer-worker.js';
import { type RunningRedis, startRedis } from './redis-server.js';
import { killAllScenarios, runScenarioProcess } from './scenario-runner.js';

const quick = process.env.QUICK === '1' || process.env.QUICK === 'true';
const say = (line: string) => process.stderr.write(`make bench: ${line}\n`);

let redis: RunningRedis | undefined;
process.once('exit', () => {
  killAllScenarios();
  try {
    if (redis) process.kill(redis.pid, 'SIGKILL');
  } catch {
    // already gone
  }
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

const startedAt = new Date();
const started = performance.now();
const logDir = mkdtempSync(join(tmpdir(), 'dh-bench-logs-'));
const withPeer = peerInstalled();
if (!withPeer) say('the peer is not installed (npm ci --prefix bench/peer failed?): its columns read n/a');
say(`${quick ? 'QUICK run' : 'full run'}; scenario logs in ${logDir}`);

const results: Results = {};
const scenarios: BenchRun['scenarios'] = [];
for (const spec of benchPlan(quick, withPeer)) {
  // A Redis of its own for each of our scenarios: its RSS is then that stack's alone. The peer needs none.
  redis = spec.script === 'peer' ? undefined : await startRedis();
  const env = redis ? { ...spec.env, REDIS_URL: redis.url, BENCH_REDIS_PID: String(redis.pid) } : spec.env;
  say(`${spec.id} …`);
  const run = await runScenarioProcess({ ...spec, env }, logDir);
  await redis?.stop();
  redis = undefined;
  if (run.result) results[spec.id] = run.result;
  scenarios.push({ id: spec.id, seconds: run.seconds, ...(run.error ? { error: run.error } : {}) });
  say(
    `${spec.id}: ${run.error ? `FAILED (${run.error}), see ${join(logDir, `${spec.id}.log`)}` : 'done'} in ${run.seconds.toFixed(0)} s`,
  );
}

const rows = benchRows(results);
const wallS = (performance.now() - started) / 1_000;
const markdown = benchmarksMarkdown({ startedAt, quick, wallS, machine: describeMachine(), rows, results, scenarios });
writeFileSync(join(repoRoot(), 'BENCHMARKS.md'), markdown);
process.stdout.write(`\n${textTable(rows)}\n\n`);
say(`${wallS.toFixed(0)} s; written to BENCHMARKS.md`);
process.exit(scenarios.some((s) => s.error) ? 1 : 0);
