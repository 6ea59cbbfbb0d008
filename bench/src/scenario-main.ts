import { type BenchResult, emitResult } from './bench-result.js';

const started = performance.now();

/** A progress line on stderr, with the seconds since the scenario started (the orchestrator keeps it in its log). */
export function progress(message: string): void {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${message}\n`);
}

/** A count from the environment (the orchestrator sets them per mode), else the default. */
export function envNumber(name: string, fallback: number): number {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : Number(value);
}

/**
 * Runs a scenario as its own process: its result goes to stdout as one line, and the process exits as soon as
 * the scenario has cleaned up (rtc-node and onnxruntime may hold the event loop open); 1 on any failure.
 */
export function runScenario(main: () => Promise<BenchResult>): void {
  main().then(
    (result) => {
      emitResult(result);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
