import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseYaml, promtool, root } from './promtool.js';

interface Target {
  refId: string;
  expr?: string;
  datasource?: { uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  description?: string;
  panels: Panel[];
}
interface AlertQuery {
  refId: string;
  datasourceUid: string;
  model: { expr?: string; expression?: string };
}
interface GrafanaAlert {
  uid: string;
  title: string;
  condition: string;
  data: AlertQuery[];
}
/** One PromQL query and where it lives, so that a failure says which. */
interface Query {
  where: string;
  record: string;
  expr: string;
  datasourceUid: string | undefined;
}

function read<T>(relative: string, ext: string, parse: (text: string) => unknown): { file: string; doc: T }[] {
  const dir = join(root, relative);
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .map((f) => {
      const file = join(relative, f);
      try {
        return { file, doc: parse(readFileSync(join(dir, f), 'utf8')) as T };
      } catch (error) {
        throw new Error(`${file}: ${(error as Error).message}`);
      }
    });
}

const dashboards = read<Dashboard>('grafana/dashboards', '.json', JSON.parse);
const datasourceUids = read<{ datasources: { uid: string }[] }>('grafana/provisioning/datasources', '.yml', parseYaml)
  .flatMap(({ doc }) => doc.datasources)
  .map((d) => d.uid);
const grafanaAlerts = read<{ groups: { rules: GrafanaAlert[] }[] }>('grafana/provisioning/alerting', '.yml', parseYaml)
  .flatMap(({ doc }) => doc.groups)
  .flatMap((g) => g.rules);
const prometheusAlerts = read<{ groups: { rules: { alert?: string; expr: string }[] }[] }>(
  'prometheus/rules',
  '.yml',
  parseYaml,
)
  .flatMap(({ doc }) => doc.groups)
  .flatMap((g) => g.rules)
  .filter((r): r is { alert: string; expr: string } => r.alert !== undefined);

const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
const recordName = (...parts: (string | number)[]) => parts.map((p) => String(p).replace(/[^\w]/g, '_')).join(':');

const panelQueries: Query[] = dashboards.flatMap(({ doc }) =>
  allPanels(doc.panels).flatMap((panel) =>
    (panel.targets ?? []).map((t) => ({
      where: `${doc.title} (${doc.uid}) panel ${panel.id} "${panel.title}" target ${t.refId}`,
      record: recordName('grafana', doc.uid, `panel_${panel.id}`, t.refId),
      expr: t.expr ?? '',
      datasourceUid: t.datasource?.uid ?? panel.datasource?.uid,
    })),
  ),
);
const alertQueries: Query[] = grafanaAlerts.flatMap((rule) =>
  rule.data
    .filter((q) => q.datasourceUid !== '__expr__')
    .map((q) => ({
      where: `Grafana alert ${rule.uid} query ${q.refId}`,
      record: recordName('grafana_alert', rule.uid, q.refId),
      expr: q.model.expr ?? '',
      datasourceUid: q.datasourceUid,
    })),
);

// Grafana fills these in before a query reaches Prometheus; any duration will do for parsing.
const withoutGrafanaVariables = (expr: string) =>
  expr.replace(/\$(?:\{__(?:rate_interval|interval|range)\}|__(?:rate_interval|interval|range)\b)/g, '5m');

const knownMetrics = new Set(
  [
    // gateway
    'dh_guests dh_joins_total dh_egress_bits_per_second dh_bandwidth_cap_bits_per_second',
    'dh_sfu_egress_bits_per_second dh_governor_level dh_traffic_month_bytes dh_traffic_budget_bytes',
    'dh_traffic_projected_month_bytes dh_traffic_period_end_timestamp_seconds dh_traffic_exhaustion_timestamp_seconds',
    // dialogue
    'dh_llm_tokens_total dh_llm_cost_cny_total dh_llm_month_cost_cny dh_llm_budget_cny dh_llm_requests_total',
    'dh_turns_total',
    // media and tts
    'dh_avatar_rooms dh_voice_utterances_total dh_barge_ins_total dh_tts_jobs_total dh_tts_cache_total',
    'dh_tts_fallbacks_total',
    // several services
    'dh_stream_pending dh_dead_letters_total dh_memory_limit_bytes up',
  ].flatMap((line) => line.split(' ')),
);
const histograms = new Set([
  'dh_turn_latency_seconds',
  'dh_turn_overhead_seconds',
  'dh_stt_duration_seconds',
  'dh_tts_synthesis_seconds',
]);
const isKnownMetric = (name: string) =>
  knownMetrics.has(name) ||
  histograms.has(name.replace(/_(bucket|sum|count)$/, '')) ||
  /^(livekit|node|process|nodejs|go)_/.test(name);

const keywords = new Set(['and', 'or', 'unless', 'bool', 'offset', 'group_left', 'group_right', 'inf', 'nan']);
/** Metric names in a PromQL expression: identifiers left once strings, matchers, ranges and label lists are gone. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/(?<![\w:.])[a-zA-Z_:][\w:]*(?![\w:]|\s*\()/g)]
    .map((m) => m[0])
    .filter((name) => !keywords.has(name.toLowerCase()));
}

describe('Grafana dashboards and provisioning', () => {
  const temp = mkdtempSync(join(tmpdir(), 'dh-grafana-'));
  after(() => rmSync(temp, { recursive: true, force: true }));

  test('four dashboards, each with a Chinese title, an English description, a fixed uid and unique panel ids', () => {
    assert.deepEqual(dashboards.map(({ doc }) => doc.title).sort(), ['体验', '带宽与流量', '资源', '费用'].sort());
    assert.equal(new Set(dashboards.map(({ doc }) => doc.uid)).size, dashboards.length, 'dashboard uids repeat');
    for (const { file, doc } of dashboards) {
      assert.match(doc.title, /\p{Script=Han}/u, `${file}: title`);
      assert.match(doc.description ?? '', /[A-Za-z]{3}/, `${file}: description`);
      assert.match(doc.uid ?? '', /^[\w-]{1,40}$/, `${file}: uid`);
      const panels = allPanels(doc.panels);
      assert.ok(panels.length > 0, `${file}: no panels`);
      const ids = panels.map((p) => p.id);
      assert.equal(new Set(ids).size, ids.length, `${file}: panel ids repeat: ${ids.join(', ')}`);
      for (const p of panels) assert.ok(['timeseries', 'stat', 'gauge', 'row'].includes(p.type), `${file}: ${p.type}`);
    }
  });

  test('panels and alert rules use the provisioned datasource uid', () => {
    assert.deepEqual(datasourceUids, ['prometheus']);
    for (const { doc } of dashboards) {
      for (const panel of allPanels(doc.panels).filter((p) => p.targets?.length)) {
        const uid = panel.datasource?.uid;
        assert.ok(datasourceUids.includes(uid ?? ''), `${doc.title} panel ${panel.id}: datasource uid ${uid}`);
      }
    }
    for (const q of [...panelQueries, ...alertQueries]) {
      assert.ok(datasourceUids.includes(q.datasourceUid ?? ''), `${q.where}: datasource uid ${q.datasourceUid}`);
    }
  });

  test('every panel query and alert query parses (promtool check rules)', async () => {
    const queries = [...panelQueries, ...alertQueries];
    assert.ok(panelQueries.length >= 20 && alertQueries.length > 0, `only ${queries.length} queries found`);
    const file = join(temp, 'queries.yml');
    const rules = queries.map((q) => ({ record: q.record, expr: withoutGrafanaVariables(q.expr) }));
    // JSON is YAML, and it quotes every expression correctly.
    writeFileSync(file, JSON.stringify({ groups: [{ name: 'grafana', rules }] }));
    await promtool('check', 'rules', file).catch((error: Error) => {
      const named = queries.filter((q) => error.message.includes(`"${q.record}"`)).map((q) => q.where);
      assert.fail(`${named.join('\n')}\n${error.message}`);
    });
  });

  test('the metric-name reader finds names and skips functions, labels and keywords', () => {
    assert.deepEqual(
      metricNames(
        'histogram_quantile(0.95, sum by (le, input) (rate(dh_x_bucket{a="b{c}"}[5m]))) / on (job) group_left up > bool 1e9',
      ),
      ['dh_x_bucket', 'up'],
    );
  });

  test('every metric a dashboard or alert reads is one the services, LiveKit or node_exporter export', () => {
    const all = [
      ...panelQueries,
      ...alertQueries,
      ...prometheusAlerts.map((r) => ({ where: `Prometheus alert ${r.alert}`, expr: r.expr })),
    ];
    for (const q of all) {
      const names = metricNames(q.expr);
      assert.ok(names.length > 0, `${q.where}: no metric in ${q.expr}`);
      for (const name of names) assert.ok(isKnownMetric(name), `${q.where}: unknown metric ${name}`);
    }
  });

  test('Grafana provisions the same alerts as Prometheus, each with a working condition', () => {
    assert.deepEqual(grafanaAlerts.map((r) => r.uid).sort(), prometheusAlerts.map((r) => r.alert).sort());
    for (const rule of grafanaAlerts) {
      const refIds = rule.data.map((q) => q.refId);
      assert.ok(refIds.includes(rule.condition), `${rule.uid}: condition ${rule.condition} is not a query`);
      for (const q of rule.data.filter((d) => d.datasourceUid === '__expr__')) {
        for (const [, ref] of (q.model.expression ?? '').matchAll(/\$(\w+)/g)) {
          assert.ok(refIds.includes(ref ?? ''), `${rule.uid}: ${q.refId} reads $${ref} which is not a query`);
        }
      }
    }
  });
});
