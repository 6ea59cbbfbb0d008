// The bench's own redis-server on a free loopback port, so that the Redis RSS in the table is the stack's
// alone (not a shared one's with other tests' keys). No persistence: nothing here is worth keeping.
import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort, waitFor } from '@dh/testing';

export interface RunningRedis {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort();
  // noeviction: BullMQ's requirement (REFERENCE.md), as in production.
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child: ChildProcess = spawn('redis-server', [...args, '--maxmemory-policy', 'noeviction'], {
    stdio: 'ignore',
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined); // refused until it listens: the polling below is the answer
  try {
    await waitFor(
      'redis-server to answer',
      async () => {
        if (exited) throw new Error('redis-server exited');
        await client.connect().catch(() => undefined);
        return (await client.ping().catch(() => '')) === 'PONG';
      },
      10_000,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.disconnect();
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
