// The peer's LiveKit Agents worker (bench/peer/agent.mjs) as a child process: started in production mode
// against a given LiveKit and fakes, ready once its health server answers and its idle job processes are up.
// PEER_LOG_LEVEL (default warn) is the worker's --log-level, e.g. info to see its job requests.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningLiveKit, freePort, repoRoot, waitFor } from '@dh/testing';
import { processTree, treeMemory } from './process-tree.js';

const peerDir = () => join(repoRoot(), 'bench/peer');

/** Whether `npm ci --prefix bench/peer` has run: @livekit/agents is not part of the product's workspaces. */
export const peerInstalled = (): boolean => existsSync(join(peerDir(), 'node_modules/@livekit/agents'));

export function agentsVersion(): string {
  const file = join(peerDir(), 'node_modules/@livekit/agents/package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

export interface PeerWorkerOptions {
  liveKit: RunningLiveKit;
  llmUrl: string;
  ttsUrl: string;
  /** Idle job processes the worker keeps warm (agent.mjs); 1 is the least its production mode allows. */
  idleProcesses: number;
}

export class PeerWorker {
  private child: ChildProcess | undefined;
  private output = '';
  private exited = false;

  get pid(): number {
    return this.child!.pid!;
  }

  /** The worker's last lines of output, for failure messages. */
  get lastLines(): string {
    return this.output.split('\n').slice(-40).join('\n');
  }

  async start(options: PeerWorkerOptions): Promise<void> {
    const healthPort = await freePort();
    const child = spawn(
      process.execPath,
      [join(peerDir(), 'agent.mjs'), 'start', '--log-level', process.env.PEER_LOG_LEVEL ?? 'warn'],
      {
        cwd: peerDir(),
        env: {
          ...process.env,
          NODE_ENV: 'production',
          LIVEKIT_URL: options.liveKit.url,
          LIVEKIT_API_KEY: options.liveKit.apiKey,
          LIVEKIT_API_SECRET: options.liveKit.apiSecret,
          PEER_LLM_URL: options.llmUrl,
          PEER_TTS_URL: options.ttsUrl,
          PEER_HEALTH_PORT: String(healthPort),
          PEER_IDLE_PROCESSES: String(options.idleProcesses),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', () => (this.exited = true));
    await waitFor(
      'the peer worker to register',
      async () => {
        if (this.exited) throw new Error(`the worker exited:\n${this.lastLines}`);
        return (await fetch(`http://127.0.0.1:${healthPort}/`).catch(() => undefined))?.ok;
      },
      60_000,
    );
    // The idle pool fills after registration; wait until it holds what it keeps.
    await waitFor(
      'the idle job processes',
      () => (treeMemory(this.pid).countByRole.job ?? 0) >= options.idleProcesses,
      30_000,
    );
  }

  /** Stops the worker and, should it leave any behind, its job processes (only pids of its own tree). */
  async stop(): Promise<void> {
    if (this.exited || this.child?.pid === undefined) return;
    const pids = processTree(this.child.pid).map((p) => p.pid);
    this.child.kill('SIGTERM');
    // Its drain may wait for jobs to wind down; nothing is measured any more, so it gets a second.
    await waitFor('the worker to exit', () => this.exited, 1_000).catch(() => undefined);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
