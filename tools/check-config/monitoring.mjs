// Prometheus (promtool) and Grafana (provisioning JSON and YAML) checks, on the files Compose mounts.
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { result, skipped } from './result.mjs';
import { loadYaml } from './yaml.mjs';

const run = promisify(execFile);

/** Runs promtool; ENOENT (not installed) is `undefined`, any other failure returns promtool's own words. */
async function promtool(root, args) {
  try {
    await run('promtool', args, { cwd: root });
    return [];
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    return [`promtool ${args.join(' ')}: ${`${error.stdout ?? ''}${error.stderr ?? ''}`.trim() || error.message}`];
  }
}

const yamlFiles = (root, dir) =>
  readdirSync(join(root, dir))
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => join(dir, file));

export async function checkPrometheusConfig(root) {
  const name = 'prometheus: promtool check config prometheus/prometheus.yml (with its rules)';
  const problems = await promtool(root, ['check', 'config', 'prometheus/prometheus.yml']);
  return problems ? result(name, problems) : skipped(name, 'promtool not installed (Debian package prometheus)');
}

export async function checkPrometheusRuleTests(root) {
  const name = 'prometheus: promtool test rules prometheus/tests/*.yml';
  const files = yamlFiles(root, 'prometheus/tests');
  if (files.length === 0) return result(name, ['no rule tests in prometheus/tests']);
  const problems = await promtool(root, ['test', 'rules', ...files]);
  return problems ? result(name, problems) : skipped(name, 'promtool not installed (Debian package prometheus)');
}

export function checkGrafana(root) {
  const problems = [];
  const dashboards = readdirSync(join(root, 'grafana/dashboards')).filter((file) => file.endsWith('.json'));
  if (dashboards.length === 0) problems.push('no dashboards in grafana/dashboards');
  for (const file of dashboards) {
    try {
      const dashboard = JSON.parse(readFileSync(join(root, 'grafana/dashboards', file), 'utf8'));
      if (!dashboard.uid || !Array.isArray(dashboard.panels)) problems.push(`${file}: no uid or panels`);
    } catch (error) {
      problems.push(`${file}: ${error.message}`);
    }
  }
  for (const dir of readdirSync(join(root, 'grafana/provisioning'))) {
    for (const file of yamlFiles(root, join('grafana/provisioning', dir))) {
      try {
        const doc = loadYaml(readFileSync(join(root, file), 'utf8'));
        if (doc?.apiVersion !== 1) problems.push(`${file}: apiVersion is not 1`);
      } catch (error) {
        problems.push(`${file}: ${error.message}`);
      }
    }
  }
  return result(`grafana: ${dashboards.length} dashboards and the provisioning files parse`, problems);
}
