import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { Stack, repoRoot, waitFor } from '@dh/testing';

const run = promisify(execFile);

let stack: Stack;

before(async () => {
  stack = await new Stack().start();
});

after(async () => {
  await stack.stop();
});

async function status(): Promise<{ code: number; out: string }> {
  const urls = Object.entries(stack.metricsPorts).map(([name, port]) => `${name}=http://127.0.0.1:${port}/metrics`);
  const env = {
    PATH: process.env.PATH ?? '',
    STATUS_GATEWAY_URL: stack.gatewayUrl,
    STATUS_METRICS_URLS: urls.join(','),
    STATUS_LIVEKIT_METRICS_URL: stack.livekit.metricsUrl,
  };
  try {
    const { stdout } = await run('node', [join(repoRoot(), 'scripts/status.mjs')], { env });
    return { code: 0, out: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, out: failed.stdout };
  }
}

/** A service's mem_limit in docker-compose.yml ("128m"), in MiB. */
function composeLimitMiB(service: string): number {
  const { load } = createRequire(import.meta.url)('js-yaml') as { load: (text: string) => unknown };
  const compose = load(readFileSync(join(repoRoot(), 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, { mem_limit: string }>;
  };
  const match = /^(\d+)m$/.exec(compose.services[service]?.mem_limit ?? '');
  assert.ok(match, `${service}: mem_limit in MiB`);
  return Number(match[1]);
}

const line = (out: string, label: string) => out.split('\n').find((l) => l.startsWith(label)) ?? '';

test('make status: one screen of health, guests, egress, traffic, spend and memory from a running stack', async () => {
  const guest = await stack.guest('小王');
  await guest.waitForTranscriptions(1);
  // The gateway refreshes dh_guests from LiveKit every 5 s; the screen shows what the gauge says.
  await waitFor('dh_guests 1', async () => /^dh_guests(\{[^}]*\})? 1$/m.test(await stack.metrics('gateway')), 15_000);
  const { code, out } = await status();
  assert.equal(code, 0, out);
  assert.match(line(out, '健康 Health'), /正常 ok \(redis, livekit, dialogue, tts, media\)/);
  assert.match(line(out, '访客 Guests'), /^访客 Guests\s+1$/);
  assert.match(line(out, '出口带宽 Egress'), /Mbit\/s \/ 4\.00 Mbit\/s/);
  assert.match(line(out, '本月流量 Traffic'), /\/ 300 GB/);
  assert.match(line(out, '本月流量 Traffic'), /days left/);
  assert.match(line(out, '出口带宽 Egress'), /LiveKit \d+\.\d+ Mbit\/s · 正常 normal/);
  // MONTHLY_LLM_BUDGET_CNY's default; the fake DeepSeek's few tokens cost next to nothing.
  assert.match(line(out, '费用 DeepSeek'), /^费用 DeepSeek\s+¥\d+\.\d{2} \/ ¥30 \(\d+ %\)$/);
  // No container limit natively: each process against the limit docker-compose.yml gives it.
  for (const service of ['gateway', 'dialogue', 'tts', 'media', 'livekit']) {
    const rss = line(out, `内存 RSS ${service}`);
    const limit = composeLimitMiB(service);
    assert.match(rss, new RegExp(`^\\S+ RSS ${service}\\s+\\d+ / ${limit} MB \\(\\d+ %\\) · Compose 上限 limit$`), rss);
  }
});

test('a stopped service shows as not answering, and the exit code says something is wrong', async () => {
  await stack.services.tts.stop();
  const { code, out } = await status();
  assert.equal(code, 1);
  assert.match(line(out, '内存 RSS tts'), /无应答 not answering/);
  assert.match(line(out, '健康 Health'), /tts \(/);
});
