// `make status`: the pure pieces (scripts/status-report.mjs) on a docker stats sample, and the Compose path
// (scripts/status-compose.sh) run through the Makefile with a fake `docker` that records what it was asked to do.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { root } from './promtool.js';

interface Container {
  service: string;
  name: string;
  usedBytes?: number;
  limitBytes?: number;
}
type Samples = { name: string; labels: Record<string, string>; value: number }[];
interface StatusReport {
  parseDockerSize(text: string): number | undefined;
  parseDockerStats(text: string, services?: string[]): Container[];
  parsePrometheus(text: string): Samples;
  statusLines(input: {
    health: unknown;
    metrics: Record<string, Samples | undefined>;
    nowS: number;
    services: string[];
    containers?: Container[];
    containerServices?: string[];
    composeLimits?: Record<string, number | undefined>;
  }): string[];
}
const report = (await import(new URL('../../../scripts/status-report.mjs', import.meta.url).href)) as StatusReport;

/** The Compose file's services (`docker compose config --services`), as make check-config knows them. */
const { SERVICES } = (await import(new URL('../../../tools/check-config/compose.mjs', import.meta.url).href)) as {
  SERVICES: string[];
};
/**
 * `docker stats --no-stream --format '{{json .}}'` for the ten containers: docker CLI 28's field set, names and
 * units (memory in KiB/MiB/GiB, I/O in kB/MB); the figures were set by hand (no Docker engine runs here).
 */
const SAMPLE = readFileSync(join(root, 'test/ops/fixtures/docker-stats.jsonl'), 'utf8');
const MiB = 1024 ** 2;
const line = (lines: string[], label: string) => lines.find((l) => l.startsWith(`${label} `)) ?? '';

describe('make status: docker stats and the memory lines', () => {
  test('sizes as docker prints them: binary memory units, decimal I/O units, nothing else', () => {
    assert.equal(report.parseDockerSize('9.844MiB'), Math.round(9.844 * MiB));
    assert.equal(report.parseDockerSize(' 752KiB '), 752 * 1024);
    assert.equal(report.parseDockerSize('1.5GiB'), 1.5 * 1024 * MiB);
    assert.equal(report.parseDockerSize('8.27kB'), 8270);
    assert.equal(report.parseDockerSize('0B'), 0);
    for (const text of ['--', '', '12', '3 parsecs']) assert.equal(report.parseDockerSize(text), undefined, text);
  });

  test('every container of the sample, by its Compose service, used against limit', () => {
    const containers = report.parseDockerStats(SAMPLE, SERVICES);
    assert.deepEqual(
      containers.map((c) => c.service),
      SERVICES,
    );
    const exporter = containers.find((c) => c.service === 'node-exporter');
    assert.deepEqual(exporter, {
      service: 'node-exporter',
      name: 'happy-digital-human-node-exporter-1',
      usedBytes: Math.round(9.125 * MiB),
      limitBytes: 32 * MiB,
    });
  });

  test('Compose v1 names, unknown containers, a restarting container, and lines that are not JSON', () => {
    const text = [
      '{"Name":"kaixin_redis_1","MemUsage":"10MiB / 128MiB"}',
      'Error response from daemon: No such container: 0b7d',
      '{"Name":"/some-other-thing","MemUsage":"1GiB / 23.5GiB"}',
      '{"Name":"happy-digital-human-media-1","MemUsage":"0B / 0B"}',
      '',
    ].join('\n');
    assert.deepEqual(report.parseDockerStats(text, SERVICES), [
      { service: 'redis', name: 'kaixin_redis_1', usedBytes: 10 * MiB, limitBytes: 128 * MiB },
      { service: 'some-other-thing', name: 'some-other-thing', usedBytes: 1024 * MiB, limitBytes: 23.5 * 1024 * MiB },
      { service: 'media', name: 'happy-digital-human-media-1', usedBytes: 0, limitBytes: undefined },
    ]);
  });

  test('under Compose: one line per container against its limit, in the Compose order; a stopped one says so', () => {
    const containers = report.parseDockerStats(SAMPLE, SERVICES).filter((c) => c.service !== 'grafana');
    const lines = report.statusLines({
      health: undefined,
      metrics: {},
      nowS: 0,
      services: ['gateway', 'dialogue', 'tts', 'media', 'livekit'],
      containers,
      containerServices: SERVICES,
    });
    const memory = lines.filter((l) => l.startsWith('内存 '));
    assert.deepEqual(
      memory.map((l) => l.split(/\s+/)[2]),
      SERVICES,
    );
    assert.match(line(lines, '内存 Memory redis'), /\s10 \/ 128 MB \(8 %\)$/);
    assert.match(line(lines, '内存 Memory media'), /\s120 \/ 200 MB \(60 %\)$/);
    assert.match(line(lines, '内存 Memory node-exporter'), /\s9 \/ 32 MB \(29 %\)$/);
    assert.match(line(lines, '内存 Memory grafana'), /未运行 not running$/);
    assert.ok(!lines.some((l) => l.startsWith('内存 RSS')), 'no per-process lines under Compose');
  });

  test('natively: RSS against the container limit, else against the Compose file’s, else no limit', () => {
    const samples = (text: string) => report.parsePrometheus(text);
    const lines = report.statusLines({
      health: undefined,
      metrics: {
        gateway: samples(`process_resident_memory_bytes ${80 * MiB}\n`),
        media: samples(`process_resident_memory_bytes ${150 * MiB}\ndh_memory_limit_bytes ${300 * MiB}\n`),
        tts: samples(`process_resident_memory_bytes ${70 * MiB}\n`),
        dialogue: undefined,
      },
      nowS: 0,
      services: ['gateway', 'media', 'tts', 'dialogue'],
      composeLimits: { gateway: 128 * MiB, media: 200 * MiB },
    });
    assert.match(line(lines, '内存 RSS gateway'), /\s80 \/ 128 MB \(63 %\) · Compose 上限 limit$/);
    assert.match(line(lines, '内存 RSS media'), /\s150 \/ 300 MB \(50 %\)$/, 'its own limit first');
    assert.match(line(lines, '内存 RSS tts'), /\s70 MB \(无上限 no limit\)$/);
    assert.match(line(lines, '内存 RSS dialogue'), /无应答 not answering$/);
  });
});

describe('make status under Compose (a fake docker)', () => {
  const temp = mkdtempSync(join(tmpdir(), 'dh-status-'));
  const log = join(temp, 'docker.log');
  const stats = join(temp, 'stats.jsonl');
  writeFileSync(stats, SAMPLE);
  const ids = SAMPLE.split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { ID: string }).ID);
  // Answers what status-compose.sh asks; `run` runs the command here, with the --env given, then FAKE_RUN_ENV
  // (which points the URLs at this test's server: the Compose names do not resolve here).
  writeFileSync(
    join(temp, 'docker'),
    `#!/bin/bash
printf '%s\\n' "$*" >> "${log}"
case "$1" in
  compose)
    case "$2" in
      ps) [[ \${!#} == gateway ]] && { echo 9af0c61e2b37; exit 0; }; printf '%s\\n' \${FAKE_RUNNING:-} ;;
      config) printf '%s\\n' ${SERVICES.join(' ')} ;;
      *) exit 99 ;;
    esac ;;
  inspect)
    case "$*" in
      *Config.Image*) echo happy-digital-human/gateway:0.1.0 ;;
      *Networks*) printf 'happy-digital-human_default\\n' ;;
    esac ;;
  stats) cat "${stats}" ;;
  run)
    shift; env=()
    while (($#)); do
      case "$1" in
        --env) env+=("$2"); shift 2 ;;
        --network|--memory|--memory-swap|--cap-drop|--security-opt) shift 2 ;;
        -*) shift ;;
        *) break ;;
      esac
    done
    shift # the image
    cd "${root}" && exec env "\${env[@]}" \${FAKE_RUN_ENV:-} "$@" ;;
  *) exit 99 ;;
esac
`,
  );
  chmodSync(join(temp, 'docker'), 0o755);

  // The gateway's /api/health and every service's /metrics, as one server.
  const pages: Record<string, string> = {
    '/api/health': JSON.stringify({ status: 'ok', checks: { redis: 'ok', livekit: 'ok' } }),
    '/gateway/metrics': 'dh_guests 2\ndh_egress_bits_per_second 500000\ndh_bandwidth_cap_bits_per_second 4000000\n',
    '/dialogue/metrics': 'dh_llm_month_cost_cny 1.25\ndh_llm_budget_cny 30\n',
  };
  const server = createServer((req, res) => {
    const page = pages[req.url ?? ''];
    res.writeHead(page === undefined ? 404 : 200).end(page ?? '');
  });
  let base = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
    rmSync(temp, { recursive: true, force: true });
  });

  async function makeStatus(env: Record<string, string>): Promise<{ code: number; out: string; calls: string[] }> {
    writeFileSync(log, '');
    const options = { cwd: root, env: { PATH: `${temp}:${process.env.PATH ?? ''}`, ...env } };
    let code = 0;
    let out: string;
    try {
      const { stdout, stderr } = await promisify(execFile)('make', ['-s', 'status'], options);
      out = `${stdout}${stderr}`;
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      code = e.code;
      out = `${e.stdout}${e.stderr}`;
    }
    return { code, out, calls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
  }

  test('reads the services from a one-off container with its own memory limit, never inside the gateway', async () => {
    const urls = ['gateway', 'dialogue', 'tts', 'media'].map((s) => `${s}=${base}/${s}/metrics`).join(',');
    const { code, out, calls } = await makeStatus({
      FAKE_RUNNING: ids.join(' '),
      FAKE_RUN_ENV: `STATUS_GATEWAY_URL=${base} STATUS_METRICS_URLS=${urls} STATUS_LIVEKIT_METRICS_URL=${base}/none`,
    });
    assert.equal(code, 0, out);
    assert.ok(!calls.some((c) => /^compose (exec|run)\b|^exec\b/.test(c)), calls.join('\n'));
    const run = calls.find((c) => c.startsWith('run '));
    assert.ok(run, calls.join('\n'));
    assert.match(
      run,
      /^run --rm --interactive --init --network happy-digital-human_default --memory 96m --memory-swap 96m /,
    );
    assert.match(
      run,
      / happy-digital-human\/gateway:0\.1\.0 node --max-semi-space-size=1 --optimize-for-size scripts\/status\.mjs$/,
    );
    assert.match(run, /--env STATUS_GATEWAY_URL=http:\/\/gateway:8080 /);
    assert.match(
      run,
      /--env STATUS_METRICS_URLS=gateway=http:\/\/gateway:9461\/metrics,dialogue=http:\/\/dialogue:9462/,
    );
    assert.ok(calls.includes(`stats --no-stream --format {{json .}} ${ids.join(' ')}`), calls.join('\n'));

    const lines = out.split('\n');
    assert.match(line(lines, '健康 Health'), /正常 ok \(redis, livekit\)/);
    assert.match(line(lines, '访客 Guests'), /\s2$/);
    assert.match(line(lines, '费用 DeepSeek'), /\s¥1\.25 \/ ¥30 \(4 %\)$/);
    const memory = lines.filter((l) => l.startsWith('内存 Memory '));
    assert.equal(memory.length, SERVICES.length, out);
    for (const [service, limit] of Object.entries({ redis: 128, livekit: 160, media: 200, grafana: 256, nginx: 32 }))
      assert.match(line(lines, `内存 Memory ${service}`), new RegExp(`\\s\\d+ / ${limit} MB \\(\\d+ %\\)$`), service);
  });

  test('no container of the project running: natively, as under make dev', async () => {
    const nowhere = 'http://127.0.0.1:9';
    const { code, out, calls } = await makeStatus({
      STATUS_GATEWAY_URL: nowhere,
      STATUS_METRICS_URLS: ['gateway', 'dialogue', 'tts', 'media'].map((s) => `${s}=${nowhere}/metrics`).join(','),
      STATUS_LIVEKIT_METRICS_URL: `${nowhere}/metrics`,
    });
    assert.equal(code, 2, 'nothing answers: status.mjs exits 1, make then 2');
    assert.deepEqual(calls, ['compose ps --quiet']);
    assert.match(out, /^内存 RSS gateway\s+无应答 not answering$/m);
  });
});
