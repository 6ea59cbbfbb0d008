import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { Stack, repoRoot } from '@dh/testing';

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

const line = (out: string, label: string) => out.split('\n').find((l) => l.startsWith(label)) ?? '';

test('make status: one screen of health, guests, egress, traffic and memory from a running stack', async () => {
  const guest = await stack.guest('小王');
  await guest.waitForTranscriptions(1);
  const { code, out } = await status();
  assert.equal(code, 0, out);
  assert.match(line(out, '健康 Health'), /正常 ok \(redis, livekit, dialogue, tts, media\)/);
  assert.match(line(out, '出口带宽 Egress'), /Mbit\/s \/ 4\.00 Mbit\/s/);
  assert.match(line(out, '本月流量 Traffic'), /\/ 300 GB/);
  assert.match(line(out, '本月流量 Traffic'), /days left/);
  assert.match(line(out, '出口带宽 Egress'), /LiveKit \d+\.\d+ Mbit\/s · 正常 normal/);
  for (const service of ['gateway', 'dialogue', 'tts', 'media', 'livekit']) {
    assert.match(
      line(out, `内存 RSS ${service}`),
      /^\S+ RSS \w+\s+\d+ MB/,
      `${service}: ${line(out, `内存 RSS ${service}`)}`,
    );
  }
});

test('a stopped service shows as not answering, and the exit code says something is wrong', async () => {
  await stack.services.tts.stop();
  const { code, out } = await status();
  assert.equal(code, 1);
  assert.match(line(out, '内存 RSS tts'), /无应答 not answering/);
  assert.match(line(out, '健康 Health'), /tts \(/);
});
