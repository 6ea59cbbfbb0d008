import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseYaml, promtool, root } from './promtool.js';

const dir = join(root, 'prometheus');
const yamlFiles = (sub: string) =>
  readdirSync(join(dir, sub))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => join('prometheus', sub, f));

interface PrometheusConfig {
  global: { scrape_interval: string; evaluation_interval: string };
  rule_files: string[];
  scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
}
interface AlertRule {
  alert?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

describe('Prometheus configuration (promtool)', () => {
  test('prometheus.yml is valid and its rule_files glob finds the rules', async () => {
    const out = await promtool('check', 'config', 'prometheus/prometheus.yml');
    const found = /(\d+) rule files found/.exec(out);
    assert.ok(found && Number(found[1]) >= 1, `no rule files found:\n${out}`);
  });

  test('every rules file is valid', async () => {
    const files = yamlFiles('rules');
    assert.ok(files.length > 0, 'prometheus/rules has no .yml files');
    await promtool('check', 'rules', ...files);
  });

  test('every alert fires when it should and not before (promtool test rules)', async () => {
    const files = yamlFiles('tests');
    assert.ok(files.length > 0, 'prometheus/tests has no .yml files');
    await promtool('test', 'rules', ...files);
  });

  test('scrapes every service, LiveKit, node_exporter and itself every 30 s', () => {
    const config = parseYaml(readFileSync(join(dir, 'prometheus.yml'), 'utf8')) as PrometheusConfig;
    assert.equal(config.global.scrape_interval, '30s');
    assert.equal(config.global.evaluation_interval, '30s');
    const targets = Object.fromEntries(
      config.scrape_configs.map((job) => [job.job_name, job.static_configs.flatMap((s) => s.targets)]),
    );
    assert.deepEqual(targets, {
      prometheus: ['localhost:9090'],
      gateway: ['gateway:9461'],
      dialogue: ['dialogue:9462'],
      tts: ['tts:9463'],
      media: ['media:9464'],
      livekit: ['livekit:6789'],
      node: ['node-exporter:9100'],
    });
  });

  test('every alert has a severity and a summary in Chinese first, then English', () => {
    for (const file of yamlFiles('rules')) {
      const { groups } = parseYaml(readFileSync(join(root, file), 'utf8')) as { groups: { rules: AlertRule[] }[] };
      for (const rule of groups.flatMap((g) => g.rules).filter((r) => r.alert)) {
        assert.match(rule.labels?.severity ?? '', /^(warning|critical)$/, `${rule.alert}: severity`);
        for (const key of ['summary', 'description']) {
          const text = rule.annotations?.[key] ?? '';
          const chinese = text.slice(0, text.indexOf('/ '));
          const english = text.slice(text.indexOf('/ '));
          assert.ok(/\p{Script=Han}/u.test(chinese) && /[A-Za-z]{3}/.test(english), `${rule.alert} ${key}: ${text}`);
        }
      }
    }
  });
});
