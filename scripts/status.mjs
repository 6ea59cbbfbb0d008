#!/usr/bin/env node
// `make status`: one screen from the services' own /metrics and the gateway's /api/health. Under `make dev` the
// defaults find everything; elsewhere STATUS_GATEWAY_URL and STATUS_METRICS_URLS ("gateway=http://…,…") say where.
// Memory: under Compose (scripts/status-compose.sh) STATUS_DOCKER_STATS names a file of `docker stats` JSON lines
// (`-`: standard input) and STATUS_SERVICES the Compose file's services, so that every container is shown against
// its limit; without it each service's RSS, against the limit docker-compose.yml gives it (STATUS_COMPOSE_FILE).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDockerStats, parsePrometheus, statusLines } from './status-report.mjs';

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

/**
 * mem_limit per service from docker-compose.yml, read with the checks' own YAML and size parsers (tools/ and the
 * dev dependencies exist in a checkout, not in the gateway image, which never needs this); {} when unreadable.
 */
async function composeLimits() {
  const file = env.STATUS_COMPOSE_FILE ?? fileURLToPath(new URL('../docker-compose.yml', import.meta.url));
  if (!existsSync(file)) return {};
  try {
    const { loadYaml } = await import('../tools/check-config/yaml.mjs');
    const { parseBytes } = await import('../tools/check-config/compose.mjs');
    const services = Object.entries(loadYaml(readFileSync(file, 'utf8'))?.services ?? {});
    return Object.fromEntries(services.map(([name, service]) => [name, parseBytes(service.mem_limit ?? '')]));
  } catch {
    return {};
  }
}

const containerServices = (env.STATUS_SERVICES ?? '').split(',').filter(Boolean);
const statsFile = env.STATUS_DOCKER_STATS;
const containers =
  statsFile === undefined
    ? undefined
    : parseDockerStats(readFileSync(statsFile === '-' ? 0 : statsFile, 'utf8'), containerServices);

const [health, limits, ...scraped] = await Promise.all([
  fetchText(`${gatewayUrl}/api/health`),
  containers ? {} : composeLimits(),
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

const lines = statusLines({
  health: healthBody,
  metrics,
  nowS: Date.now() / 1000,
  services: Object.keys(urls),
  containers,
  containerServices,
  composeLimits: limits,
});
process.stdout.write(`开心数字人 · 状态 status · ${new Date().toISOString().replace('T', ' ').slice(0, 19)} UTC\n`);
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(healthBody?.status === 'ok' ? 0 : 1);
