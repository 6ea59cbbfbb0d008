// The pieces of `make status`: read Prometheus text and `docker stats`, and lay the figures out on one screen
// (Chinese first). Pure functions: scripts/status.mjs does the I/O, test/ops/status.test.ts tests them.

/** Samples of a Prometheus text exposition: [{name, labels, value}]. */
export function parsePrometheus(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels = {};
    for (const pair of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[pair[1]] = pair[2];
    const raw = match[4];
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    samples.push({ name: match[1], labels, value });
  }
  return samples;
}

/** Sum of a metric's samples whose labels include `where`; undefined when there are none. */
export function pick(samples, name, where = {}) {
  const matching = (samples ?? []).filter(
    (s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v),
  );
  return matching.length === 0 ? undefined : matching.reduce((sum, s) => sum + s.value, 0);
}

/** What `docker stats` prints sizes in: binary units for memory (docker's units.BytesSize), decimal for I/O. */
const DOCKER_UNITS = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4, kB: 1e3, MB: 1e6, GB: 1e9 };

/** A size as `docker stats` prints it ("12.18MiB", "752KiB", "0B") in bytes; undefined when it is not one. */
export function parseDockerSize(text) {
  const match = /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)$/.exec(String(text ?? '').trim());
  const unit = match ? DOCKER_UNITS[match[2]] : undefined;
  return unit === undefined ? undefined : Math.round(Number(match[1]) * unit);
}

/**
 * The lines of `docker stats --no-stream --format '{{json .}}'` (one JSON object each) as
 * [{ service, name, usedBytes, limitBytes }]. Compose names containers <project>-<service>-<n> (v1: with `_`):
 * `services`, the Compose file's, map them back; a container none of them names keeps its own name. A limit of
 * 0 (a container being restarted) is no limit; lines that are not JSON are skipped.
 */
export function parseDockerStats(text, services = []) {
  const longestFirst = [...services].sort((a, b) => b.length - a.length);
  const containers = [];
  for (const line of String(text ?? '').split('\n')) {
    let record;
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    if (!record || typeof record !== 'object') continue;
    const name = String(record.Name ?? record.Container ?? '').replace(/^\//, '');
    const [used, limit] = String(record.MemUsage ?? '')
      .split('/')
      .map((part) => parseDockerSize(part));
    const base = name.replace(/[-_]\d+$/, '');
    const service = longestFirst.find((s) => base === s || base.endsWith(`-${s}`) || base.endsWith(`_${s}`)) ?? name;
    containers.push({ service, name, usedBytes: used, limitBytes: limit ? limit : undefined });
  }
  return containers;
}

/** Pads to a terminal width: Chinese characters take two columns. */
function padDisplay(text, width) {
  const columns = [...text].reduce((sum, ch) => sum + (ch.codePointAt(0) >= 0x2e80 ? 2 : 1), 0);
  return text + ' '.repeat(Math.max(0, width - columns));
}

const MB = 1024 ** 2;
const GB = 1024 ** 3;
const pct = (part, whole) => (whole > 0 ? `${Math.round((part / whole) * 100)} %` : '—');
const mbit = (bps) => `${(bps / 1e6).toFixed(2)} Mbit/s`;
const day = (seconds) => new Date(seconds * 1000).toISOString().slice(0, 10);
const GOVERNOR = ['正常 normal', '限制视频 video limited', '视频已暂停 video paused'];

/** "80 / 128 MB (62 %)", or "80 MB (无上限 no limit)". */
function againstLimit(bytes, limit) {
  return limit === undefined
    ? `${(bytes / MB).toFixed(0)} MB (无上限 no limit)`
    : `${(bytes / MB).toFixed(0)} / ${(limit / MB).toFixed(0)} MB (${pct(bytes, limit)})`;
}

/**
 * Under Compose: every container's memory (docker stats) against its limit, in the Compose file's order; a
 * service with no running container says so. Scaled services add their containers up.
 */
function memoryOfContainers(row, containers, services) {
  const names = [...new Set([...services, ...containers.map((c) => c.service)])];
  for (const service of names) {
    const all = containers.filter((c) => c.service === service);
    const mine = all.filter((c) => c.usedBytes !== undefined);
    if (mine.length === 0) {
      row(`内存 Memory ${service}`, all.length === 0 ? '未运行 not running' : '—');
      continue;
    }
    const used = mine.reduce((sum, c) => sum + c.usedBytes, 0);
    const limited = mine.every((c) => c.limitBytes !== undefined);
    row(`内存 Memory ${service}`, againstLimit(used, limited ? mine.reduce((s, c) => s + c.limitBytes, 0) : undefined));
  }
}

/**
 * Natively (`make dev`): each process's RSS from its /metrics, against its container limit when it has one
 * (dh_memory_limit_bytes), else against the limit docker-compose.yml would give it (`composeLimits`).
 */
function memoryOfProcesses(row, metrics, services, composeLimits = {}) {
  for (const service of services) {
    const samples = metrics[service];
    const rss = pick(samples, 'process_resident_memory_bytes');
    const own = pick(samples, 'dh_memory_limit_bytes');
    const planned = composeLimits[service];
    const text =
      samples === undefined
        ? '无应答 not answering'
        : rss === undefined
          ? '—'
          : own === undefined && planned !== undefined
            ? `${againstLimit(rss, planned)} · Compose 上限 limit`
            : againstLimit(rss, own);
    row(`内存 RSS ${service}`, text);
  }
}

/**
 * The screen, as lines. `health`: the /api/health body or undefined; `metrics`: {service: samples | undefined}
 * (undefined: its /metrics did not answer); `nowS`: unix seconds; `services`: whose /metrics were asked.
 * Memory: with `containers` (parseDockerStats, under Compose) every container's, listed in the order of
 * `containerServices` (the Compose file's services); without, each service's RSS against its limit, or against
 * `composeLimits` ({service: bytes} from docker-compose.yml) when it runs without one (`make dev`).
 */
export function statusLines({ health, metrics, nowS, services, containers, containerServices, composeLimits }) {
  const lines = [];
  const row = (label, text) => lines.push(`${padDisplay(label, 26)} ${text}`);
  const checks = health?.checks ?? {};
  const failing = Object.entries(checks)
    .filter(([, result]) => result !== 'ok')
    .map(([name, result]) => `${name} (${result})`);
  row(
    '健康 Health',
    health === undefined
      ? '网关无应答 gateway not answering'
      : failing.length === 0
        ? `正常 ok (${Object.keys(checks).join(', ')})`
        : `异常 failing: ${failing.join(', ')}`,
  );

  const gw = metrics.gateway;
  const guests = pick(gw, 'dh_guests');
  row('访客 Guests', guests === undefined ? '—' : String(guests));

  const egress = pick(gw, 'dh_egress_bits_per_second');
  const cap = pick(gw, 'dh_bandwidth_cap_bits_per_second');
  const sfu = pick(gw, 'dh_sfu_egress_bits_per_second');
  const level = pick(gw, 'dh_governor_level');
  if (egress === undefined || cap === undefined) row('出口带宽 Egress', '—');
  else {
    const parts = [`${mbit(egress)} / ${mbit(cap)} (${pct(egress, cap)})`];
    if (sfu !== undefined) parts.push(`LiveKit ${mbit(sfu)}`);
    if (level !== undefined) parts.push(GOVERNOR[level] ?? String(level));
    row('出口带宽 Egress', parts.join(' · '));
  }

  const month = pick(gw, 'dh_traffic_month_bytes');
  const budget = pick(gw, 'dh_traffic_budget_bytes');
  const end = pick(gw, 'dh_traffic_period_end_timestamp_seconds');
  const exhaustion = pick(gw, 'dh_traffic_exhaustion_timestamp_seconds');
  if (month === undefined || budget === undefined) row('本月流量 Traffic', '—');
  else {
    const parts = [`${(month / GB).toFixed(2)} / ${(budget / GB).toFixed(0)} GB (${pct(month, budget)})`];
    if (end !== undefined) parts.push(`本月还剩 ${((end - nowS) / 86_400).toFixed(1)} 天 days left`);
    if (exhaustion !== undefined && end !== undefined) {
      parts.push(
        exhaustion < end
          ? `按当前速度 ${day(exhaustion)} 用完 runs out at this pace`
          : '按当前速度够用 lasts the month',
      );
    }
    row('本月流量 Traffic', parts.join(' · '));
  }

  const spent = pick(metrics.dialogue, 'dh_llm_month_cost_cny');
  const llmBudget = pick(metrics.dialogue, 'dh_llm_budget_cny');
  row(
    '费用 DeepSeek',
    spent === undefined || llmBudget === undefined
      ? '—'
      : `¥${spent.toFixed(2)} / ¥${llmBudget.toFixed(0)} (${pct(spent, llmBudget)})`,
  );

  if (containers) memoryOfContainers(row, containers, containerServices ?? services);
  else memoryOfProcesses(row, metrics, services, composeLimits);
  return lines;
}
