import assert from 'node:assert/strict';
import { type AddressInfo, type Socket, connect, createServer as createNetServer } from 'node:net';
import { RedisNamespace, ServiceProcess, freePorts, waitFor } from '@dh/testing';

export interface LiveKitAccess {
  url: string;
  apiKey: string;
  apiSecret: string;
}

export interface RunningGateway {
  url: string;
  metricsUrl: string;
  ns: RedisNamespace;
  service: ServiceProcess;
  stop(): Promise<void>;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

/** Nothing listens here: for tests that never reach LiveKit. */
export const NO_LIVEKIT: LiveKitAccess = {
  url: 'ws://127.0.0.1:9',
  apiKey: 'testkey',
  apiSecret: 'test-secret-0123456789-0123456789-abcdef',
};

/** The real gateway process with its own Redis prefix and free ports; ready once its HTTP port answers. */
export async function startGateway(livekit: LiveKitAccess, env: Record<string, string> = {}): Promise<RunningGateway> {
  const ns = new RedisNamespace();
  const [publicPort, metricsPort] = await freePorts(2);
  const service = new ServiceProcess({
    name: 'gateway',
    env: {
      REDIS_URL: ns.url,
      REDIS_PREFIX: ns.prefix,
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
      PUBLIC_HOST: '127.0.0.1',
      PUBLIC_PORT: String(publicPort),
      METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
  await service.start();
  const url = `http://127.0.0.1:${publicPort}`;
  // The heartbeat starts while Nest initializes, a moment before the port listens.
  await waitFor('gateway HTTP port', async () => (await fetch(`${url}/api/config`).catch(() => undefined))?.ok);
  return {
    url,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    ns,
    service,
    async stop() {
      await service.stop();
      await ns.cleanup();
    },
  };
}

export async function request(url: string, init: RequestInit = {}): Promise<Reply> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** POST /api/join with a JSON body (or a raw string as is), optionally from another client address. */
export function join(
  gateway: RunningGateway,
  body: unknown,
  options: { forwardedFor?: string; contentType?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' };
  if (options.forwardedFor) headers['x-forwarded-for'] = options.forwardedFor;
  return request(`${gateway.url}/api/join`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Contract section 2: `{statusCode, error, message}`, nothing else, and never a stack trace. */
export function assertErrorShape(reply: Reply, status: number): void {
  assert.equal(reply.status, status, `expected ${status}, got ${reply.status}: ${reply.text}`);
  assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
  const body = reply.body as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['error', 'message', 'statusCode']);
  assert.equal(body.statusCode, status);
  assert.equal(typeof body.error, 'string');
  const message = body.message;
  assert.ok(
    typeof message === 'string' || (Array.isArray(message) && message.every((m) => typeof m === 'string')),
    `message must be a string or strings: ${reply.text}`,
  );
  assert.doesNotMatch(reply.text, /\bat .+\.(js|ts):\d+|node_modules|stack/i);
}

/** The value of one sample of a Prometheus text exposition, 0 when absent. */
export async function metricValue(gateway: RunningGateway, sample: string): Promise<number> {
  const text = await (await fetch(gateway.metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith(sample));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/**
 * A TCP hop that delays every chunk by `delayMs` each way, in order: in front of the real Redis it widens the
 * window between a join's capacity check and its reservation, so that overlapping joins really overlap.
 */
export async function startSlowTcpProxy(
  target: { host: string; port: number },
  delayMs: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    const relay = (from: Socket, to: Socket) => {
      from.on('data', (chunk) => setTimeout(() => to.writable && to.write(chunk), delayMs));
      from.on('close', () => setTimeout(() => to.destroy(), delayMs));
    };
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
