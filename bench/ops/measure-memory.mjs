#!/usr/bin/env node
// Measures, natively on this machine, the memory of the Compose containers whose limits were estimates, each as
// docker-compose.yml runs it, in front of or behind a small real stack (libs/testing Stack: Redis, LiveKit, the
// four services, GUESTS guests who each type a message every 20 s):
//   prometheus     Debian's /usr/bin/prometheus on the project's prometheus.yml with every target moved to its
//                  loopback port and the Compose file's retention flags, for MINUTES minutes;
//   node-exporter  Debian's prometheus-node-exporter with the Compose file's collector flags (scraped by it);
//   nginx          nginx/nginx.conf and the site template rendered by scripts/render-nginx.mjs for 127.0.0.1 in
//                  front of the stack's gateway, idle and then under HTTPS load (CONNECTIONS held connections,
//                  WORKERS clients requesting the page and /api/health for LOAD_S seconds); master + worker;
//   status.mjs     as `make status` runs it under Compose (docker stats on standard input), the one-off's limit.
// RSS is sampled from /proc every SAMPLE_MS; peak is the highest sample (nginx: master and workers summed).
//
//   make build && node bench/ops/measure-memory.mjs          MINUTES=5 GUESTS=3 (the defaults)
//
// Everything listens on 127.0.0.1 and is stopped at the end, on SIGINT/SIGTERM, or after MINUTES + 4 minutes.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Stack, freePorts, sleep, waitFor } from '@dh/testing';
import yaml from 'js-yaml';
import { renderNginx } from '../../scripts/render-nginx.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const env = process.env;
const MINUTES = Number(env.MINUTES ?? 5);
const GUESTS = Number(env.GUESTS ?? 3);
const CONNECTIONS = Number(env.CONNECTIONS ?? 40);
const WORKERS = Number(env.WORKERS ?? 20);
const LOAD_S = Number(env.LOAD_S ?? 30);
const SAMPLE_MS = Number(env.SAMPLE_MS ?? 250);
const MiB = 1024 ** 2;

const work = mkdtempSync(join(tmpdir(), 'dh-measure-'));
const children = [];
let stack;

/** A child process whose output is kept (the last lines are printed if it dies). */
function start(name, command, args) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = [];
  const keep = (chunk) => tail.push(...chunk.toString().split('\n').filter(Boolean).slice(-20));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`${name} exited (${code ?? signal}):\n${tail.slice(-20).join('\n')}`);
  });
  children.push(child);
  return child;
}

let stopping = false;
async function stopAll() {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.allSettled(
    children.map((child) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : undefined)),
  );
  await stack?.stop();
  rmSync(work, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void stopAll().finally(() => process.exit(130)));
const deadline = setTimeout(
  () => {
    console.error('measure-memory: over time, stopping');
    void stopAll().finally(() => process.exit(1));
  },
  (MINUTES + 4) * 60_000,
);
deadline.unref();

/** kB fields of /proc/<pid>/status (VmRSS, VmHWM), in bytes; 0 once the process is gone. */
function procStatus(pid, field) {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The process and its children (nginx: master and workers). */
function tree(pid) {
  const kids = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) kids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return [pid, ...kids.flatMap((kid) => tree(kid))];
}

/** Samples the RSS of each named process tree every SAMPLE_MS: { name: { peak, last } } in bytes. */
function sampler(pids) {
  const figures = Object.fromEntries(Object.keys(pids).map((name) => [name, { peak: 0, last: 0 }]));
  const timer = setInterval(() => {
    for (const [name, pid] of Object.entries(pids)) {
      const rss = tree(pid).reduce((sum, p) => sum + procStatus(p, 'VmRSS'), 0);
      if (rss === 0) continue;
      figures[name].last = rss;
      figures[name].peak = Math.max(figures[name].peak, rss);
    }
  }, SAMPLE_MS);
  return { figures, stop: () => clearInterval(timer) };
}

async function httpOk(url) {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

/** Starts the stack and the processes measured, runs the load, and returns the table's rows. */
async function measure() {
  // ── the stack and its traffic ────────────────────────────────────────────────────────────────────────────────
  stack = new Stack();
  await stack.start();
  const guests = [];
  for (let i = 0; i < GUESTS; i += 1) guests.push(await stack.guest(`测量${i + 1}`));
  const chatter = setInterval(() => {
    for (const guest of guests) void guest.say('你好，今天天气怎么样？').catch(() => undefined);
  }, 20_000);

  const [promPort, exporterPort, httpPort, httpsPort] = await freePorts(4);

  // ── node_exporter: the Compose file's collectors, on loopback ──────────────────────────────────────────────────
  const compose = yaml.load(readFileSync(join(root, 'docker-compose.yml'), 'utf8'));
  const exporterArgs = compose.services['node-exporter'].command
    .map(String)
    .filter((arg) => !arg.startsWith('--path.rootfs') && !arg.startsWith('--web.listen-address'))
    .map((arg) => arg.replace(/\$\$/g, '$'));
  const exporter = start('node-exporter', 'prometheus-node-exporter', [
    `--web.listen-address=127.0.0.1:${exporterPort}`,
    ...exporterArgs,
  ]);

  // ── Prometheus: prometheus.yml with loopback targets, the Compose retention flags ──────────────────────────────
  const targets = {
    prometheus: promPort,
    ...stack.metricsPorts,
    livekit: Number(new URL(stack.livekit.metricsUrl).port),
    node: exporterPort,
  };
  const config = yaml.load(readFileSync(join(root, 'prometheus/prometheus.yml'), 'utf8'));
  config.rule_files = config.rule_files.map((glob) => join(root, 'prometheus', glob));
  for (const job of config.scrape_configs) job.static_configs = [{ targets: [`127.0.0.1:${targets[job.job_name]}`] }];
  writeFileSync(join(work, 'prometheus.yml'), yaml.dump(config));
  const retention = compose.services.prometheus.command.filter((arg) => arg.startsWith('--storage.tsdb.retention'));
  const prometheus = start('prometheus', 'prometheus', [
    `--config.file=${join(work, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(work, 'tsdb')}`,
    ...retention,
    `--web.listen-address=127.0.0.1:${promPort}`,
  ]);
  await waitFor('prometheus ready', () => httpOk(`http://127.0.0.1:${promPort}/-/ready`), 30_000);

  // ── nginx: the production config on loopback, in front of the stack's gateway ─────────────────────────────────
  const pki = join(work, 'pki');
  mkdirSync(pki);
  execFileSync('openssl', [
    ...'req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1'.split(' '),
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    join(pki, 'key.pem'),
    '-out',
    join(pki, 'cert.pem'),
  ]);
  const ca = readFileSync(join(pki, 'cert.pem'), 'utf8');
  const nginxConf = renderNginx({
    outDir: join(work, 'nginx'),
    values: {
      DOMAIN: '127.0.0.1',
      LISTEN_ADDRESS: '127.0.0.1',
      HTTP_PORT: String(httpPort),
      HTTPS_PORT: String(httpsPort),
      GATEWAY_UPSTREAM: new URL(stack.gatewayUrl).host,
      LIVEKIT_UPSTREAM: new URL(stack.livekit.url).host,
      GRAFANA_UPSTREAM: `127.0.0.1:${promPort}`,
      RESOLVER: '127.0.0.1',
      TLS_CERT: join(pki, 'cert.pem'),
      TLS_KEY: join(pki, 'key.pem'),
    },
  });
  const nginx = start('nginx', 'nginx', ['-p', join(work, 'nginx'), '-c', nginxConf, '-g', 'daemon off;']);
  await waitFor('nginx up', () => httpOk(`http://127.0.0.1:${httpPort}/nginx-health`), 10_000);

  const sampling = sampler({
    prometheus: prometheus.pid,
    'node-exporter': exporter.pid,
    nginx: nginx.pid,
  });
  const started = Date.now();

  /** One HTTPS GET through nginx on `agent`'s connections; resolves with the status. */
  function get(path, agent) {
    return new Promise((resolve) => {
      const req = request(
        { host: '127.0.0.1', port: httpsPort, path, ca, agent, headers: { 'accept-encoding': 'gzip' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', () => resolve(0));
      req.end();
    });
  }

  // nginx idle for a while, then loaded: connections held open as ten guests' page feed and signalling would be,
  // and clients fetching the page and the health endpoint as fast as the gateway answers.
  await sleep(20_000);
  const nginxIdle = sampling.figures.nginx.last;
  const held = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  await Promise.all(Array.from({ length: CONNECTIONS }, () => get('/api/health', held)));
  const busy = new Agent({ keepAlive: true, maxSockets: WORKERS });
  let requests = 0;
  const until = Date.now() + LOAD_S * 1000;
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, i) => {
      while (Date.now() < until) {
        await get(i % 2 ? '/' : '/api/health', busy);
        requests += 1;
      }
    }),
  );
  const nginxLoaded = sampling.figures.nginx.peak;
  held.destroy();
  busy.destroy();

  // ── make status's one-off, as status-compose.sh runs it ────────────────────────────────────────────────────────
  /** One run of status.mjs as the one-off runs it: its own peak RSS in bytes. */
  const statusPeak = () => {
    const urls = Object.entries(stack.metricsPorts).map(([name, port]) => `${name}=http://127.0.0.1:${port}/metrics`);
    const run = spawnSync(
      process.execPath,
      // As scripts/status-compose.sh runs it, plus the probe that prints its peak RSS.
      [
        '--max-semi-space-size=1',
        '--optimize-for-size',
        '--require',
        join(root, 'bench/ops/peak-rss.cjs'),
        join(root, 'scripts/status.mjs'),
      ],
      {
        input: readFileSync(join(root, 'test/ops/fixtures/docker-stats.jsonl')),
        env: {
          PATH: env.PATH,
          NODE_OPTIONS: '--max-old-space-size=32',
          STATUS_GATEWAY_URL: stack.gatewayUrl,
          STATUS_METRICS_URLS: urls.join(','),
          STATUS_LIVEKIT_METRICS_URL: stack.livekit.metricsUrl,
          STATUS_SERVICES: Object.keys(compose.services).join(','),
          STATUS_DOCKER_STATS: '-',
        },
        encoding: 'utf8',
      },
    );
    return Number(/peak-rss (\d+) kB/.exec(run.stderr)?.[1] ?? 0) * 1024;
  };
  // A few runs after the load and at the end: its peak varies with what the pages hold and when V8 collects.
  const statusPeaks = [statusPeak(), statusPeak(), statusPeak()];

  // Prometheus for the rest of MINUTES.
  const rest = MINUTES * 60_000 - (Date.now() - started);
  if (rest > 0) await sleep(rest);
  statusPeaks.push(statusPeak(), statusPeak());
  clearInterval(chatter);
  sampling.stop();

  const query = async (expr) => {
    const url = `http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(expr)}`;
    const body = await (await fetch(url)).json();
    return Number(body.data?.result?.[0]?.value?.[1] ?? NaN);
  };
  const series = await query('prometheus_tsdb_head_series');
  const samples = await query('prometheus_tsdb_head_samples_appended_total');
  const up = await query('count(up == 1)');
  const hwm = (pid) => procStatus(pid, 'VmHWM');
  const mb = (bytes) => `${(bytes / MiB).toFixed(1)} MB`;
  const { figures } = sampling;
  const rows = [
    [
      'prometheus',
      mb(Math.max(figures.prometheus.peak, hwm(prometheus.pid))),
      mb(figures.prometheus.last),
      `${MINUTES} min, ${up} targets up, ${series} head series, ${samples} samples`,
    ],
    [
      'node-exporter',
      mb(Math.max(figures['node-exporter'].peak, hwm(exporter.pid))),
      mb(figures['node-exporter'].last),
      'Compose collectors, scraped every 30 s',
    ],
    [
      'nginx',
      mb(nginxLoaded),
      mb(nginxIdle),
      `master + worker; idle ${mb(nginxIdle)}, ${CONNECTIONS} held + ${WORKERS} busy TLS clients, ${requests} requests in ${LOAD_S} s`,
    ],
    [
      'status.mjs',
      mb(Math.max(...statusPeaks)),
      mb(Math.min(...statusPeaks)),
      `make status one-off (docker stats on stdin, six /metrics); ${statusPeaks.length} runs, lowest peak as "end"`,
    ],
  ];
  const versions = [
    execFileSync('prometheus', ['--version'], { encoding: 'utf8' }).split('\n')[0],
    execFileSync('prometheus-node-exporter', ['--version'], { encoding: 'utf8' }).split('\n')[0],
    spawnSync('nginx', ['-v'], { encoding: 'utf8' }).stderr.trim(),
    `node ${process.version}`,
  ];
  return { rows, versions };
}

let exitCode = 0;
try {
  const { rows, versions } = await measure();
  await stopAll();
  console.log(`measure-memory · ${new Date().toISOString().slice(0, 16)} · ${versions.join(' · ')}`);
  console.log('process        | peak RSS  | end RSS   | conditions');
  for (const [name, peak, last, note] of rows)
    console.log(`${name.padEnd(14)} | ${peak.padStart(9)} | ${last.padStart(9)} | ${note}`);
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await stopAll();
}
process.exit(exitCode);
