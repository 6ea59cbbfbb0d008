import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from './ports.js';
import { repoRoot } from './repo-root.js';
import { waitFor } from './wait.js';

export interface LiveKitOptions {
  apiKey?: string;
  apiSecret?: string;
  /** Fixed ports (make dev); free ones are picked otherwise (tests). */
  port?: number;
  tcpPort?: number;
  udpPort?: number;
  prometheusPort?: number;
  /** LiveKit refuses new participants while its in+out traffic is above this (`limit.bytes_per_sec`). */
  limitBytesPerSec?: number;
  /** Seconds an empty room is kept. */
  emptyTimeoutS?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Where the server's output goes; ignored when undefined. */
  onOutput?: (line: string) => void;
}

export interface RunningLiveKit {
  url: string;
  httpUrl: string;
  apiKey: string;
  apiSecret: string;
  port: number;
  tcpPort: number;
  udpPort: number;
  /** LiveKit's Prometheus endpoint (`livekit_packet_bytes` and friends). */
  metricsUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The binary: LIVEKIT_BIN, `livekit-server` on PATH, or the pinned build in .cache (built on first use). */
export function liveKitBinary(): string {
  return execFileSync(join(repoRoot(), 'scripts/ensure-livekit.sh'), { encoding: 'utf8' }).trim();
}

/**
 * The YAML config for a single loopback node: one UDP mux port, ICE candidates on 127.0.0.1, our own keys.
 * Unknown keys fail LiveKit's start, so only documented keys appear here.
 */
export function renderLiveKitConfig(
  o: Required<Omit<LiveKitOptions, 'onOutput' | 'prometheusPort' | 'limitBytesPerSec'>> & {
    prometheusPort?: number;
    limitBytesPerSec?: number;
  },
): string {
  const lines = [
    `port: ${o.port}`,
    'bind_addresses: ["127.0.0.1"]',
    'rtc:',
    `  tcp_port: ${o.tcpPort}`,
    `  udp_port: ${o.udpPort}`,
    '  use_external_ip: false',
    '  node_ip: 127.0.0.1',
    'keys:',
    `  ${o.apiKey}: ${o.apiSecret}`,
    'logging:',
    `  level: ${o.logLevel}`,
    'room:',
    `  empty_timeout: ${o.emptyTimeoutS}`,
    '  departure_timeout: 5',
    // The bandwidth governor mutes guests' video from the server and must be able to give it back.
    '  enable_remote_unmute: true',
  ];
  if (o.prometheusPort) lines.push(`prometheus:`, `  port: ${o.prometheusPort}`);
  if (o.limitBytesPerSec) lines.push('limit:', `  bytes_per_sec: ${o.limitBytesPerSec}`);
  return `${lines.join('\n')}\n`;
}

export async function startLiveKit(options: LiveKitOptions = {}): Promise<RunningLiveKit> {
  const [port, tcpPort, udpPort] =
    options.port && options.tcpPort && options.udpPort
      ? [options.port, options.tcpPort, options.udpPort]
      : await freePorts(3);
  const prometheusPort = options.prometheusPort ?? (await freePorts(1))[0]!;
  const config = {
    apiKey: options.apiKey ?? 'testkey',
    apiSecret: options.apiSecret ?? 'test-secret-0123456789-0123456789-abcdef',
    port: port!,
    tcpPort: tcpPort!,
    udpPort: udpPort!,
    emptyTimeoutS: options.emptyTimeoutS ?? 20,
    logLevel: options.logLevel ?? 'warn',
    prometheusPort,
    ...(options.limitBytesPerSec ? { limitBytesPerSec: options.limitBytesPerSec } : {}),
  };
  const dir = mkdtempSync(join(tmpdir(), 'dh-livekit-'));
  const configPath = join(dir, 'livekit.yaml');
  writeFileSync(configPath, renderLiveKitConfig(config));
  const child = spawn(liveKitBinary(), ['--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  const forward = (chunk: Buffer) => {
    if (options.onOutput) for (const line of chunk.toString().split('\n')) if (line) options.onOutput(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  let exited = false;
  child.once('exit', () => (exited = true));
  const httpUrl = `http://127.0.0.1:${config.port}`;
  try {
    await waitFor(
      'livekit-server to answer',
      async () => {
        if (exited) throw new Error(`livekit-server exited with code ${child.exitCode}`);
        const response = await fetch(httpUrl).catch(() => undefined);
        return response?.ok;
      },
      20_000,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url: `ws://127.0.0.1:${config.port}`,
    httpUrl,
    apiKey: config.apiKey,
    apiSecret: config.apiSecret,
    port: config.port,
    tcpPort: config.tcpPort,
    udpPort: config.udpPort,
    metricsUrl: `http://127.0.0.1:${prometheusPort}/metrics`,
    process: child,
    async stop() {
      if (!exited) {
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await gone;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
