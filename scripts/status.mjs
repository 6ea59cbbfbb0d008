#!/usr/bin/env node
// `make status`: one screen from the services' own /metrics and the gateway's /api/health. Under `make dev` the
// defaults find everything; elsewhere STATUS_GATEWAY_URL and STATUS_METRICS_URLS ("gateway=http://…,…") say where.
import { parsePrometheus, statusLines } from './status-report.mjs';

const env = process.env;
const host = env.STATUS_METRICS_HOST ?? '127.0.0.1';
const defaults = { gateway: 9461, dialogue: 9462, tts: 9463, media: 9464 };
const urls = Object.fromEntries(
  Object.entries(defaults).map(([service, port]) => [service, `http://${host}:${port}/metrics`]),
);
for (const entry of (env.STATUS_METRICS_URLS ?? '').split(',').filter(Boolean)) {
  const [service, url] = entry.split('=');
  if (service && url) urls[service.trim()] = url.trim();
}
urls.livekit = env.STATUS_LIVEKIT_METRICS_URL ?? `http://${host}:${env.LIVEKIT_PROMETHEUS_PORT ?? 6789}/metrics`;
const gatewayUrl = env.STATUS_GATEWAY_URL ?? `http://127.0.0.1:${env.PUBLIC_PORT ?? 8080}`;

async function fetchText(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    return { status: response.status, text: await response.text() };
  } catch {
    return undefined;
  }
}

const [health, ...scraped] = await Promise.all([
  fetchText(`${gatewayUrl}/api/health`),
  ...Object.values(urls).map((url) => fetchText(url)),
]);
const metrics = Object.fromEntries(
  Object.keys(urls).map((service, i) => [
    service,
    scraped[i]?.status === 200 ? parsePrometheus(scraped[i].text) : undefined,
  ]),
);
let healthBody;
try {
  healthBody = health ? JSON.parse(health.text) : undefined;
} catch {
  healthBody = undefined;
}

const lines = statusLines({ health: healthBody, metrics, nowS: Date.now() / 1000, services: Object.keys(urls) });
process.stdout.write(`开心数字人 · 状态 status · ${new Date().toISOString().replace('T', ' ').slice(0, 19)} UTC\n`);
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(healthBody?.status === 'ok' ? 0 : 1);
