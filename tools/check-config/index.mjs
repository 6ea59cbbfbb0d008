// `make check-config`: validates what `make up` would run, without a Docker engine. scripts/check-config.mjs
// prints the results; test/ops/compose.test.ts runs the same checks on the real files and on broken copies.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeChecks } from './compose.mjs';
import { checkDockerfile, checkDockerfilePackages, checkDockerignore } from './dockerfile.mjs';
import { checkLiveKitKeys, checkLiveKitSettings, checkLiveKitVersion } from './livekit.mjs';
import { checkGrafana, checkPrometheusConfig, checkPrometheusRuleTests } from './monitoring.mjs';
import { checkNginxHealthcheck, checkNginxPlaceholders, checkNginxRendered } from './nginx.mjs';
import { checkComposeCli, checkOperatorEnv, readOperatorFiles } from './operator.mjs';
import { guarded, result } from './result.mjs';
import { checkGrafanaSettings, checkRedisSettings } from './settings.mjs';
import { loadYaml } from './yaml.mjs';

export * from './compose.mjs';
export * from './dockerfile.mjs';
export * from './interpolate.mjs';
export * from './livekit.mjs';
export * from './monitoring.mjs';
export * from './nginx.mjs';
export * from './operator.mjs';
export * from './result.mjs';
export * from './settings.mjs';
export { loadYaml };

/** The repository root (this file is tools/check-config/index.mjs). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The files the checks read, parsed. Missing files are reported by the checks that need them. */
export function loadProject(root = repoRoot) {
  const read = (path) => (existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined);
  const composeText = read('docker-compose.yml');
  const livekitText = read('livekit/livekit.yaml');
  return {
    root,
    composeText,
    compose: composeText === undefined ? undefined : loadYaml(composeText),
    livekit: livekitText === undefined ? undefined : loadYaml(livekitText),
    dockerfile: read('Dockerfile'),
    // The LiveKit release `make dev` builds and the tests run.
    livekitVersion: read('scripts/livekit-version')?.trim(),
    dockerignore: read('.dockerignore'),
    ...readOperatorFiles(root),
  };
}

const missing = (name, path) => result(name, [`${path} is missing`]);

/** Every check, in the order they are printed. Never throws: a crash in one check is that check's failure. */
export async function runChecks(root = repoRoot) {
  let project;
  try {
    project = loadProject(root);
  } catch (error) {
    return [result('read the configuration files', [error.message])];
  }
  const {
    compose,
    livekit,
    livekitVersion,
    dockerfile,
    dockerignore,
    env,
    example,
    secret,
    grafanaDataUid,
    composeText,
  } = project;
  const results = [];
  // guarded() gives one failure instead of the list when the compose checks crash.
  const composeResults = compose
    ? await guarded('compose', () => composeChecks(compose, root))
    : missing('compose', 'docker-compose.yml');
  results.push(...[composeResults].flat());
  if (compose) {
    results.push(await guarded('redis', () => checkRedisSettings(compose)));
    results.push(await guarded('grafana: settings', () => checkGrafanaSettings(compose)));
    results.push(await guarded('livekit: version', () => checkLiveKitVersion(compose, livekitVersion)));
  }
  results.push(
    await guarded('livekit: keys', () =>
      livekit ? checkLiveKitKeys(livekit) : missing('livekit', 'livekit/livekit.yaml'),
    ),
  );
  if (livekit) results.push(await guarded('livekit: settings', () => checkLiveKitSettings(livekit, compose, env)));
  results.push(
    await guarded('Dockerfile', () =>
      dockerfile ? checkDockerfile(dockerfile, compose) : missing('Dockerfile', 'Dockerfile'),
    ),
  );
  if (dockerfile) results.push(await guarded('Dockerfile: packages', () => checkDockerfilePackages(dockerfile)));
  results.push(
    await guarded('.dockerignore', () =>
      dockerignore === undefined ? missing('.dockerignore', '.dockerignore') : checkDockerignore(dockerignore),
    ),
  );
  results.push(await guarded('prometheus: config', () => checkPrometheusConfig(root)));
  results.push(await guarded('prometheus: rule tests', () => checkPrometheusRuleTests(root)));
  results.push(await guarded('grafana', () => checkGrafana(root)));
  results.push(await guarded('nginx: placeholders', () => checkNginxPlaceholders(root, compose)));
  results.push(await guarded('nginx: nginx -t', () => checkNginxRendered(root, compose)));
  results.push(await guarded('nginx: healthcheck', () => checkNginxHealthcheck(root, compose)));
  results.push(
    await guarded('operator: .env', () => checkOperatorEnv(composeText ?? '', env, example, secret, grafanaDataUid)),
  );
  results.push(await guarded('compose: docker compose config', () => checkComposeCli(root, env !== undefined)));
  return results;
}

/** One line per check: ✔ passed, ✖ failed (with each problem indented below), - skipped (with why). */
export function formatResult({ name, status, problems, detail }) {
  if (status === 'skip') return `- ${name} (skipped: ${detail})`;
  if (status === 'pass') return `✔ ${name}`;
  return [`✖ ${name}`, ...problems.map((problem) => `    ${problem}`)].join('\n');
}
