// The pieces of `make status`: read Prometheus text, and lay the figures out on one screen (Chinese first).

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

/**
 * The screen, as lines. `health`: the /api/health body or undefined; `metrics`: {service: samples | undefined}
 * (undefined: its /metrics did not answer); `nowS`: unix seconds.
 */
export function statusLines({ health, metrics, nowS, services }) {
  const lines = [];
  const row = (label, text) => lines.push(`${padDisplay(label, 24)} ${text}`);
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

  for (const service of services) {
    const samples = metrics[service];
    const rss = pick(samples, 'process_resident_memory_bytes');
    const limit = pick(samples, 'dh_memory_limit_bytes');
    const text =
      samples === undefined
        ? '无应答 not answering'
        : rss === undefined
          ? '—'
          : limit === undefined
            ? `${(rss / MB).toFixed(0)} MB (无上限 no limit)`
            : `${(rss / MB).toFixed(0)} / ${(limit / MB).toFixed(0)} MB (${pct(rss, limit)})`;
    row(`内存 RSS ${service}`, text);
  }
  return lines;
}
