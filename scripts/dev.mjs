#!/usr/bin/env node
// `make dev`: the whole stack natively on this machine, in the foreground. Redis (the one at REDIS_URL if it
// answers, else a redis-server started here), a real LiveKit server (scripts/ensure-livekit.sh), the four
// services exactly as the images run them, and the guest page on the gateway. Ctrl-C or SIGTERM stops every
// child this script started. Works with no .env at all: every variable has a default.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
// Only what starts processes: the rest of libs/testing (the rtc-node guest) is not loaded here.
import { startLiveKit } from '../libs/testing/dist/src/livekit-server.js';
import { ServiceProcess } from '../libs/testing/dist/src/service-process.js';
import { sleep, waitFor } from '../libs/testing/dist/src/wait.js';
import { DEV_LIVEKIT_API_KEY, DEV_LIVEKIT_API_SECRET } from '../libs/config/dist/src/index.js';

const root = new URL('..', import.meta.url).pathname;
const say = (line) => process.stdout.write(`[dev] ${line}\n`);

function loadDotEnv() {
  const file = join(root, '.env');
  if (!existsSync(file)) return {};
  const vars = {};
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 1) continue;
    vars[line.slice(0, eq).trim()] = line
      .slice(eq + 1)
      .trim()
      .replace(/^(['"])(.*)\1$/, '$2');
  }
  return vars;
}

const env = { ...loadDotEnv(), ...process.env };
const stops = [];
let stopping = false;

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

function redisAnswers(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(1000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      resolve(data.toString().startsWith('+PONG'));
      socket.destroy();
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      resolve(false);
      socket.destroy();
    });
  });
}

async function ensureRedis() {
  env.REDIS_URL ??= 'redis://127.0.0.1:6379';
  if (await redisAnswers(env.REDIS_URL)) {
    say(`Redis: using ${env.REDIS_URL}`);
    return;
  }
  const { hostname, port } = new URL(env.REDIS_URL);
  if (!['127.0.0.1', 'localhost'].includes(hostname)) throw new Error(`Redis at ${env.REDIS_URL} does not answer`);
  const dir = join(root, '.run/redis');
  mkdirSync(dir, { recursive: true });
  // noeviction: BullMQ must never lose a job to eviction. AOF keeps streams across a restart of this Redis.
  const child = spawn(
    'redis-server',
    [
      '--bind',
      '127.0.0.1',
      '--port',
      port || '6379',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  );
  stops.push(async () => {
    child.kill('SIGTERM');
  });
  await waitFor('redis-server', () => redisAnswers(env.REDIS_URL), 10_000);
  say(`Redis: started redis-server on ${env.REDIS_URL}`);
}

async function startLiveKitServer() {
  env.LIVEKIT_API_KEY ??= DEV_LIVEKIT_API_KEY;
  env.LIVEKIT_API_SECRET ??= DEV_LIVEKIT_API_SECRET;
  const port = Number(env.LIVEKIT_PORT ?? 7880);
  const livekit = await startLiveKit({
    apiKey: env.LIVEKIT_API_KEY,
    apiSecret: env.LIVEKIT_API_SECRET,
    port,
    tcpPort: Number(env.LIVEKIT_TCP_PORT ?? 7881),
    udpPort: Number(env.LIVEKIT_UDP_PORT ?? 7882),
    prometheusPort: Number(env.LIVEKIT_PROMETHEUS_PORT ?? 6789),
    // The last guard behind the gateway's governor: no new participants while in+out passes twice the egress cap.
    limitBytesPerSec: (Number(env.BANDWIDTH_CAP_KBPS ?? 4000) * 1000 * 2) / 8,
    logLevel: 'warn',
    emptyTimeoutS: 60,
    onOutput: (line) => process.stdout.write(`[livekit] ${line}\n`),
  });
  stops.push(() => livekit.stop());
  env.LIVEKIT_URL ??= livekit.url;
  env.LIVEKIT_METRICS_URL ??= livekit.metricsUrl;
  say(`LiveKit: ${livekit.url}`);
}

/** Like `restart: unless-stopped` in Compose: a service that dies is started again. */
async function supervise(name) {
  const service = new ServiceProcess({ name, env: { ...env }, echo: true });
  stops.push(() => service.stop());
  await service.start(30_000);
  void (async () => {
    for (;;) {
      await new Promise((resolve) => service.process.once('exit', resolve));
      if (stopping) return;
      say(`${name} exited (code ${service.process.exitCode}); restarting in 1 s`);
      await sleep(1000);
      if (stopping) return;
      await service.start(30_000).catch((error) => say(`${name} did not come back: ${error.message}`));
    }
  })();
}

try {
  await ensureRedis();
  await startLiveKitServer();
  await Promise.all(['tts', 'dialogue', 'media'].map(supervise));
  await supervise('gateway');
  const url = `http://127.0.0.1:${env.PUBLIC_PORT ?? 8080}`;
  await waitFor('a healthy /api/health', async () => (await fetch(`${url}/api/health`)).status === 200, 30_000);
  say(`开心数字人 is ready — open ${url}`);
  if (!env.DEEPSEEK_API_KEY && !env.DEEPSEEK_API_KEY_FILE) say('no DEEPSEEK_API_KEY: the offline persona answers');
} catch (error) {
  say(`could not start: ${error.message}`);
  await stopAll(1);
}
