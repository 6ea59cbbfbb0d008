import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Keys, type ServiceName } from '@dh/contracts';
import { repoRoot } from './repo-root.js';
import { waitFor } from './wait.js';

/**
 * Node flags every service runs with, here, under `make dev` and in the images: a 1 MB young generation keeps
 * bursts of short-lived objects from growing RSS by tens of MB (measured on tts: 136 MB -> 94 MB at 50 jobs);
 * `--optimize-for-size` makes V8 grow the old generation less eagerly after such bursts (media with ten guests
 * joining at once and talking: 181 MB -> 147 MB peak, for about 5 % more CPU).
 */
export const NODE_SERVICE_FLAGS = ['--max-semi-space-size=1', '--optimize-for-size'];

/**
 * Environment every service runs with. Two glibc malloc arenas instead of eight per core: libwebrtc's and
 * Node's threads otherwise each grow their own (measured on media with 10 rooms: 157 MB -> 111 MB with both).
 */
export const NODE_SERVICE_ENV = { MALLOC_ARENA_MAX: '2' };

export interface ServiceProcessOptions {
  name: ServiceName;
  env: Record<string, string>;
  /** Echo the service's output to this process's stderr (DEBUG_SERVICES=1 does it for all). */
  echo?: boolean;
  /** Sees every line of output (only the last 400 are kept in `output`). */
  onLine?: (line: string) => void;
}

/**
 * One of our services as a real child process, started from its compiled entry point exactly as `make dev`
 * does. Ready when its heartbeat appears in Redis. Keeps the last lines of output for failure messages.
 */
export class ServiceProcess {
  process: ChildProcess | undefined;
  readonly output: string[] = [];
  private exitCode: number | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly options: ServiceProcessOptions) {}

  get name(): ServiceName {
    return this.options.name;
  }

  get env(): Record<string, string> {
    return this.options.env;
  }

  /** Starts the process and waits for its heartbeat. */
  async start(timeoutMs = 20_000): Promise<void> {
    const child = this.spawn();
    const redis = new Redis(this.options.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
    const key = `${this.options.env.REDIS_PREFIX ?? 'dh:'}${Keys.heartbeat(this.options.name)}`;
    try {
      await waitFor(
        `${this.options.name} heartbeat`,
        async () => {
          if (child.exitCode !== null) {
            throw new Error(`${this.options.name} exited with ${child.exitCode}: ${this.output.slice(-5).join(' | ')}`);
          }
          const value = await redis.get(key);
          return value !== null && JSON.parse(value).pid === child.pid;
        },
        timeoutMs,
      );
    } finally {
      redis.disconnect();
    }
  }

  /** Starts the process without waiting; resolves with its exit code (for configuration tests). */
  async runToExit(timeoutMs = 15_000): Promise<{ code: number | null; output: string[] }> {
    const child = this.spawn();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
    return { code: this.exitCode, output: this.output };
  }

  private spawn(): ChildProcess {
    const entry = join(repoRoot(), 'services', this.options.name, 'dist/src/main.js');
    const child = spawn(process.execPath, [...NODE_SERVICE_FLAGS, entry], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...NODE_SERVICE_ENV, ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = child;
    this.exitCode = null;
    const echo = this.options.echo ?? process.env.DEBUG_SERVICES === '1';
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        this.output.push(line);
        if (this.output.length > 400) this.output.shift();
        if (echo) process.stderr.write(`[${this.options.name}] ${line}\n`);
        this.options.onLine?.(line);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? 128 : null);
        resolve();
      }),
    );
    return child;
  }

  get running(): boolean {
    return this.process !== undefined && this.process.exitCode === null && this.process.signalCode === null;
  }

  /** Sends a signal and waits for the process to exit. */
  async kill(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.process!.kill(signal);
    const timer = setTimeout(() => this.process?.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
  }
}
