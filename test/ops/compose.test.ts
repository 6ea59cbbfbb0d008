import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { root } from './promtool.js';

// The checks behind `make check-config` (tools/check-config, plain ESM so that the script needs no build),
// run here on the committed files and on broken copies: each check must pass now and be able to fail.

interface CheckResult {
  name: string;
  status: 'pass' | 'fail' | 'skip';
  problems: string[];
  detail?: string;
}
/** Parsed YAML as the tests reshape it: any shape on purpose (validating it is the checks' job). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Yaml = any;
interface Compose {
  services: Record<string, Yaml>;
  [key: string]: unknown;
}
interface Project {
  composeText: string;
  compose: Compose;
  livekit: Yaml;
  dockerfile: string;
  dockerignore: string;
  livekitVersion?: string;
  example?: Record<string, string>;
}
interface CheckConfig {
  loadProject(root?: string): Project;
  runChecks(root?: string): Promise<CheckResult[]>;
  formatResult(result: CheckResult): string;
  composeChecks(compose: Compose, root: string): CheckResult[];
  checkSchema(compose: unknown): CheckResult;
  checkServiceNames(compose: Compose): CheckResult;
  checkMemoryLimits(compose: Compose): CheckResult;
  checkNodeHeaps(compose: Compose): CheckResult;
  checkHealthchecks(compose: Compose): CheckResult;
  checkRestart(compose: Compose): CheckResult;
  checkLogging(compose: Compose): CheckResult;
  checkImages(compose: Compose, root: string): CheckResult;
  checkPorts(compose: Compose): CheckResult;
  checkLiveKitKeys(config: unknown): CheckResult;
  checkLiveKitSettings(config: unknown, compose: Compose, env?: Record<string, string>): CheckResult;
  checkDockerfile(text: string, compose: Compose): CheckResult;
  checkDockerignore(text: string): CheckResult;
  checkDockerfilePackages(text: string): CheckResult;
  checkRedisSettings(compose: Compose): CheckResult;
  checkGrafanaSettings(compose: Compose): CheckResult;
  checkLiveKitVersion(compose: Compose, pinned: string | undefined): CheckResult;
  checkNginxHealthcheck(root: string, compose: Compose): CheckResult;
  redisBytes(text: string): number | undefined;
  checkPrometheusConfig(root: string): Promise<CheckResult>;
  checkPrometheusRuleTests(root: string): Promise<CheckResult>;
  checkGrafana(root: string): CheckResult;
  checkNginxPlaceholders(root: string, compose: Compose): CheckResult;
  checkNginxRendered(root: string, compose: Compose): Promise<CheckResult>;
  checkOperatorEnv(
    composeText: string,
    env: Record<string, string> | undefined,
    example: Record<string, string> | undefined,
    secret?: { text: string; uid: number; gid: number; mode: number },
    grafanaDataUid?: number,
  ): CheckResult;
  interpolate(text: string, env: Record<string, string>): { value: string; missing: { name: string }[] };
  parseBytes(value: string | number): number | undefined;
  isPinnedImage(image: string): boolean;
  dockerIgnored(patterns: string[], path: string): boolean;
  MEMORY_BUDGET_MIB: number;
}

const checks = (await import(new URL('../../../tools/check-config/index.mjs', import.meta.url).href)) as CheckConfig;
const project = checks.loadProject(root);
/** A fresh copy of the committed Compose file to break. */
const compose = (): Compose => structuredClone(project.compose);
const livekit = (): Yaml => structuredClone(project.livekit);

function passes(result: CheckResult) {
  assert.equal(result.status, 'pass', checks.formatResult(result));
}
function fails(result: CheckResult, pattern: RegExp) {
  assert.equal(result.status, 'fail', `expected a failure: ${result.name}`);
  assert.ok(
    result.problems.some((p) => pattern.test(p)),
    `no problem matches ${String(pattern)}:\n${checks.formatResult(result)}`,
  );
}

const scratch: string[] = [];
after(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});
/** A copy of some of the repository's folders in a temporary root, to break files without touching the real ones. */
function copyOf(...paths: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'dh-check-config-'));
  scratch.push(dir);
  for (const path of paths) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    cpSync(join(root, path), join(dir, path), { recursive: true });
  }
  return dir;
}

describe('make check-config on the committed files', () => {
  test('every check passes (the operator’s .env aside, which this machine need not have)', async () => {
    const results = await checks.runChecks(root);
    assert.ok(results.length >= 18, `only ${results.length} checks ran`);
    const operatorState = (r: CheckResult) => r.name.startsWith('operator') || r.name.includes('docker compose config');
    for (const result of results.filter((r) => !operatorState(r))) passes(result);
  });

  test('scripts/check-config.mjs prints one line per check and says how many passed', () => {
    let output: string;
    try {
      output = execFileSync(process.execPath, [join(root, 'scripts/check-config.mjs')], { encoding: 'utf8' });
    } catch (error) {
      // Exit code 1 only for the operator's own .env on a developer machine; the rest passed above.
      output = (error as { stdout: string }).stdout;
      assert.match(output, /^✖ (operator|compose: docker compose config)/m, output);
    }
    assert.match(output, /^✔ compose: valid against the Compose Specification schema$/m);
    assert.match(output, /^check-config: \d+ passed, [012] failed, \d+ skipped$/m);
  });

  test('memory limits sum to at most 1.5 GiB and match the measured table in the file', () => {
    const limits = Object.fromEntries(
      Object.entries(project.compose.services).map(([name, s]) => [name, checks.parseBytes(s.mem_limit) ?? 0]),
    );
    const total = Object.values(limits).reduce((a, b) => a + b, 0) / 1024 ** 2;
    assert.ok(total <= checks.MEMORY_BUDGET_MIB, `${total} MiB`);
    for (const [name, bytes] of Object.entries(limits)) {
      const row = new RegExp(`^#\\s+${name}\\s.*\\s${bytes / 1024 ** 2}$`, 'm');
      assert.match(project.composeText, row, `the comment table has no row for ${name} with its limit`);
    }
    assert.match(project.composeText, new RegExp(`sum \\(≤ ${checks.MEMORY_BUDGET_MIB}\\)\\s+${total}$`, 'm'));
  });
});

describe('each check can fail', () => {
  test('schema: an unknown key or a wrong type', () => {
    const c = compose();
    c.services.redis!.mem_limt = '64m';
    fails(checks.checkSchema(c), /additional properties \(mem_limt\)/);
    const d = compose();
    d.services.redis!.restart = ['always'];
    fails(checks.checkSchema(d), /restart must be string/);
  });

  test('services: one missing or one unknown', () => {
    const c = compose();
    delete c.services['node-exporter'];
    c.services.nodeexporter = { image: 'prom/node-exporter:v1.12.1' };
    fails(checks.checkServiceNames(c), /"node-exporter" is missing/);
    fails(checks.checkServiceNames(c), /unexpected service "nodeexporter"/);
  });

  test('memory: a missing mem_limit, a mixed style, limits over 1.5 GiB', () => {
    const c = compose();
    delete c.services.grafana!.mem_limit;
    fails(checks.checkMemoryLimits(c), /grafana: no mem_limit/);
    const d = compose();
    d.services.redis!.deploy = { resources: { limits: { memory: '64m' } } };
    fails(checks.checkMemoryLimits(d), /redis: use mem_limit/);
    const e = compose();
    e.services.media!.mem_limit = '400m';
    fails(checks.checkMemoryLimits(e), /limits sum to 1600 MiB, more than 1536 MiB/);
  });

  test('memory: a Node heap cap missing or far from half the limit', () => {
    const c = compose();
    c.services.media!.environment.NODE_OPTIONS = '--max-old-space-size=190';
    fails(checks.checkNodeHeaps(c), /media: heap 190 MiB/);
    delete c.services.tts!.environment.NODE_OPTIONS;
    fails(checks.checkNodeHeaps(c), /tts: NODE_OPTIONS has no --max-old-space-size/);
  });

  test('healthcheck: missing or disabled', () => {
    const c = compose();
    delete c.services.prometheus!.healthcheck;
    c.services.nginx!.healthcheck = { disable: true };
    fails(checks.checkHealthchecks(c), /prometheus: no healthcheck/);
    fails(checks.checkHealthchecks(c), /nginx: no healthcheck/);
  });

  test('restart policy and log rotation', () => {
    const c = compose();
    c.services.livekit!.restart = 'always';
    fails(checks.checkRestart(c), /livekit: restart is always/);
    c.services.tts!.logging = { driver: 'json-file' };
    fails(checks.checkLogging(c), /tts: logging/);
  });

  test('images: latest, a floating major or minor tag, our own image misnamed', () => {
    for (const image of [
      'grafana/grafana:latest',
      'grafana/grafana',
      'redis:7',
      'redis:7.2-bookworm',
      'nginx:alpine',
    ]) {
      assert.equal(checks.isPinnedImage(image), false, image);
      const c = compose();
      c.services.grafana!.image = image;
      fails(checks.checkImages(c, root), /grafana: image .* not pinned/);
    }
    for (const image of ['redis:7.2.16-bookworm', 'livekit/livekit-server:v1.13.5', 'localhost:5000/x:1.2.3'])
      assert.equal(checks.isPinnedImage(image), true, image);
    const c = compose();
    c.services.gateway!.image = 'happy-digital-human/gateway:9.9.9';
    c.services.tts!.build.target = 'media';
    fails(checks.checkImages(c, root), /gateway: image should be happy-digital-human\/gateway:0\.1\.0/);
    fails(checks.checkImages(c, root), /tts: build must be/);
  });

  test('ports: Redis, Grafana or a metrics port published, LiveKit on another host port', () => {
    const c = compose();
    c.services.redis!.ports = ['6379:6379'];
    c.services.grafana!.ports = [{ target: 3000, published: 3000 }];
    c.services.gateway!.ports = ['127.0.0.1:9461:9461'];
    fails(checks.checkPorts(c), /redis: publishes 6379:6379\/tcp/);
    fails(checks.checkPorts(c), /grafana: publishes 3000:3000\/tcp/);
    fails(checks.checkPorts(c), /gateway: publishes 9461:9461\/tcp/);
    const d = compose();
    d.services.livekit!.ports = ['7881:7881/tcp', '17882:7882/udp', '7880:7880'];
    fails(checks.checkPorts(d), /livekit: publishes 7882\/udp on host port 17882/);
    fails(checks.checkPorts(d), /livekit: publishes 7880:7880\/tcp/);
  });

  test('ports: a host-network container listening on every interface', () => {
    const c = compose();
    c.services['node-exporter']!.command = ['--web.listen-address=0.0.0.0:9100'];
    fails(checks.checkPorts(c), /node-exporter: listens on 0\.0\.0\.0:9100/);
    c.services.prometheus!.network_mode = 'host';
    fails(checks.checkPorts(c), /prometheus: network_mode host/);
  });

  test('livekit: an unknown key, or a section whose keys are not listed', () => {
    const config = livekit();
    config.rtc.udp_ports = 7882;
    config.room.max_guests = 10;
    fails(checks.checkLiveKitKeys(config), /unknown key rtc\.udp_ports/);
    fails(checks.checkLiveKitKeys(config), /unknown key room\.max_guests/);
    const listed = livekit();
    listed.webhook = { urls: ['http://gateway:8080/hook'] };
    fails(checks.checkLiveKitKeys(listed), /^webhook: a v1\.13\.5 section/);
  });

  test('livekit: ports that differ from the Compose file, keys in the file, the wrong admission limit', () => {
    const config = livekit();
    config.rtc.udp_port = 7892;
    config.keys = { devkey: 'secret' };
    delete config.room.enable_remote_unmute;
    fails(checks.checkLiveKitSettings(config, compose()), /does not publish rtc\.udp_port 7892\/udp/);
    fails(checks.checkLiveKitSettings(config, compose()), /API keys belong in \.env/);
    fails(checks.checkLiveKitSettings(config, compose()), /enable_remote_unmute/);
    fails(
      checks.checkLiveKitSettings(livekit(), compose(), { BANDWIDTH_CAP_KBPS: '8000' }),
      /limit\.bytes_per_sec must be 2000000/,
    );
  });

  test('Dockerfile: an Alpine or floating base, a missing target, CMD without the flags, root', () => {
    const text = project.dockerfile;
    fails(
      checks.checkDockerfile(text.replace('node:22.23.2-bookworm-slim', 'node:22-alpine'), compose()),
      /"node:22-alpine" is not a pinned glibc/,
    );
    fails(
      checks.checkDockerfile(text.replace('node:22.23.2-bookworm-slim', 'node:22-bookworm-slim'), compose()),
      /not a pinned glibc/,
    );
    fails(checks.checkDockerfile(text.replace('AS media', 'AS avatar'), compose()), /no stage "media"/);
    fails(
      checks.checkDockerfile(text.replace('"--optimize-for-size", "services/tts', '"services/tts'), compose()),
      /tts: CMD must be/,
    );
    const rootUser = text.replace(/(FROM runtime AS dialogue[\s\S]*?)USER node\n/, '$1');
    fails(checks.checkDockerfile(rootUser, compose()), /dialogue: runs as root/);
  });

  test('Dockerfile: tts without espeak-ng, media without GLib (a package in a parent stage counts)', () => {
    const text = project.dockerfile;
    passes(checks.checkDockerfilePackages(text));
    fails(
      checks.checkDockerfilePackages(
        text.replace('--no-install-recommends espeak-ng', '--no-install-recommends espeak'),
      ),
      /tts: does not apt-get install espeak-ng/,
    );
    const noGlib = text.replace('--no-install-recommends libglib2.0-0', '--no-install-recommends ca-certificates');
    fails(checks.checkDockerfilePackages(noGlib), /media: does not apt-get install libglib2\.0-0/);
    const inRuntime = noGlib.replace(
      'ENV NODE_ENV=production',
      'RUN apt-get update && apt-get install -y libglib2.0-0 && rm -rf /var/lib/apt/lists/*\nENV NODE_ENV=production',
    );
    passes(checks.checkDockerfilePackages(inRuntime));
  });

  test('redis: eviction, no append-only file, another fsync, maxmemory missing or too close to the limit', () => {
    passes(checks.checkRedisSettings(compose()));
    const set = (option: string, value: string | undefined) => {
      const c = compose();
      const command = c.services.redis!.command as string[];
      const at = command.indexOf(`--${option}`);
      if (value === undefined) command.splice(at, 2);
      else command[at + 1] = value;
      return c;
    };
    fails(checks.checkRedisSettings(set('maxmemory-policy', 'allkeys-lru')), /--maxmemory-policy is allkeys-lru/);
    fails(checks.checkRedisSettings(set('appendonly', 'no')), /--appendonly is no, must be yes/);
    fails(checks.checkRedisSettings(set('appendfsync', 'always')), /--appendfsync is always, must be everysec/);
    fails(checks.checkRedisSettings(set('maxmemory', undefined)), /no --maxmemory/);
    fails(
      checks.checkRedisSettings(set('maxmemory', '120mb')),
      /--maxmemory 120mb leaves too little of mem_limit 128m/,
    );
    const oneString = compose();
    oneString.services.redis!.command = 'redis-server --maxmemory 80mb --appendonly yes --appendfsync everysec';
    fails(checks.checkRedisSettings(oneString), /--maxmemory-policy is not set/);
    assert.deepEqual(
      ['80mb', '80m', '1gb'].map((text) => checks.redisBytes(text)),
      [80 * 1024 ** 2, 80e6, 1024 ** 3],
    );
  });

  test('grafana: gzip back on, or a bundled app plugin left enabled', () => {
    passes(checks.checkGrafanaSettings(compose()));
    const c = compose();
    c.services.grafana!.environment.GF_SERVER_ENABLE_GZIP = 'true';
    const env = c.services.grafana!.environment as Record<string, string>;
    env.GF_PLUGINS_DISABLE_PLUGINS = String(env.GF_PLUGINS_DISABLE_PLUGINS).replace('grafana-advisor-app,', '');
    fails(checks.checkGrafanaSettings(c), /GF_SERVER_ENABLE_GZIP is true, must be false/);
    fails(checks.checkGrafanaSettings(c), /bundled app grafana-advisor-app is not in GF_PLUGINS_DISABLE_PLUGINS/);
  });

  test('livekit: the Compose image and scripts/livekit-version drift apart', () => {
    passes(checks.checkLiveKitVersion(compose(), project.livekitVersion));
    const c = compose();
    c.services.livekit!.image = 'livekit/livekit-server:v1.13.4';
    fails(
      checks.checkLiveKitVersion(c, project.livekitVersion),
      /image tag v1\.13\.4 is not scripts\/livekit-version v1\.13\.5/,
    );
    const bumped = compose();
    bumped.services.livekit!.image = 'livekit/livekit-server:v1.14.0';
    fails(checks.checkLiveKitVersion(bumped, 'v1.14.0'), /LIVEKIT_KEYS lists v1\.13\.5's config keys/);
    fails(checks.checkLiveKitVersion(compose(), undefined), /scripts\/livekit-version is missing/);
  });

  test('nginx: a healthcheck on / (a redirect), without --fail, on another port, or a path the template lacks', () => {
    passes(checks.checkNginxHealthcheck(root, compose()));
    const asking = (...test: string[]) => {
      const c = compose();
      c.services.nginx!.healthcheck.test = ['CMD', ...test];
      return c;
    };
    fails(
      checks.checkNginxHealthcheck(root, asking('curl', '--fail', 'http://127.0.0.1/')),
      /no "location = \/" returning 200/,
    );
    fails(
      checks.checkNginxHealthcheck(root, asking('curl', '--silent', 'http://127.0.0.1/nginx-health')),
      /curl without --fail/,
    );
    fails(
      checks.checkNginxHealthcheck(root, asking('curl', '-f', 'http://127.0.0.1:8080/nginx-health')),
      /port 8080 is not HTTP_PORT 80/,
    );
    passes(
      checks.checkNginxHealthcheck(root, asking('wget', '-q', '-O', '/dev/null', 'http://127.0.0.1/nginx-health')),
    );
    const dir = copyOf('nginx');
    const template = join(dir, 'nginx/templates/default.conf.template');
    writeFileSync(template, readFileSync(template, 'utf8').replace('location = /nginx-health', 'location = /healthz'));
    fails(
      checks.checkNginxHealthcheck(dir, compose()),
      /no "location = \/nginx-health" returning 200 in the server on/,
    );
  });

  test('.dockerignore: secrets or .env let into the build context', () => {
    fails(checks.checkDockerignore('node_modules\n.git\n'), /\.env would be sent/);
    fails(checks.checkDockerignore(`${project.dockerignore}\n!secrets\n`), /secrets\/deepseek_api_key would be sent/);
    assert.equal(checks.dockerIgnored(['*', '!services/', '**/dist'], 'services/gateway/dist/src/main.js'), true);
    assert.equal(checks.dockerIgnored(['*', '!services/', '**/dist'], 'services/gateway/src/main.ts'), false);
  });

  test('prometheus: a broken config and a rule test that no longer holds (promtool)', async () => {
    const dir = copyOf('prometheus');
    const config = join(dir, 'prometheus/prometheus.yml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('scrape_interval: 30s', 'scrape_interval: often'));
    fails(await checks.checkPrometheusConfig(dir), /promtool check config/);
    const tests = join(dir, 'prometheus/tests/alerts.test.yml');
    writeFileSync(tests, readFileSync(tests, 'utf8').replace(/severity: (warning|critical)/, 'severity: never'));
    fails(await checks.checkPrometheusRuleTests(dir), /promtool test rules/);
  });

  test('grafana: a dashboard that is not JSON', () => {
    const dir = copyOf('grafana');
    writeFileSync(join(dir, 'grafana/dashboards/broken.json'), '{"uid": "x", "panels": [');
    fails(checks.checkGrafana(dir), /broken\.json/);
  });

  test('nginx: a template placeholder without a value in the Compose file', () => {
    const c = compose();
    delete c.services.nginx!.environment.GRAFANA_UPSTREAM;
    fails(checks.checkNginxPlaceholders(root, c), /\$\{GRAFANA_UPSTREAM\} has no value/);
  });

  test('nginx: nginx -t refuses a broken template, and the check waits for scripts/render-nginx.mjs', async () => {
    const dir = copyOf('nginx', 'scripts/render-nginx.mjs');
    const template = join(dir, 'nginx/templates/default.conf.template');
    writeFileSync(template, readFileSync(template, 'utf8').replace('ssl_session_tickets off;', 'ssl_session_tickets;'));
    fails(await checks.checkNginxRendered(dir, compose()), /ssl_session_tickets/);
    const bare = copyOf('nginx');
    const skipped = await checks.checkNginxRendered(bare, compose());
    assert.equal(skipped.status, 'skip');
    assert.match(skipped.detail ?? '', /not built yet/);
  });

  test('operator: .env without what Compose requires, weak or development secrets, an unreadable key file', () => {
    const env = {
      DOMAIN: 'chat.example.com',
      PUBLIC_IP: '203.0.113.7',
      LIVEKIT_API_KEY: 'prod',
      LIVEKIT_API_SECRET: 'x'.repeat(40),
      GRAFANA_ADMIN_PASSWORD: 'correct horse battery',
    };
    passes(checks.checkOperatorEnv(project.composeText, env, project.example, undefined));
    const readable = { text: 'sk-test', uid: 1000, gid: 1000, mode: 0o100600 };
    passes(checks.checkOperatorEnv(project.composeText, env, project.example, readable));
    const { PUBLIC_IP: _omitted, ...withoutIp } = env;
    fails(checks.checkOperatorEnv(project.composeText, withoutIp, project.example), /PUBLIC_IP is not set/);
    fails(
      checks.checkOperatorEnv(project.composeText, { ...env, LIVEKIT_API_SECRET: 'short' }, project.example),
      /shorter than 32/,
    );
    fails(
      checks.checkOperatorEnv(project.composeText, env, project.example, { ...readable, uid: 0, gid: 0 }),
      /not readable by uid 1000/,
    );
    fails(
      checks.checkOperatorEnv(project.composeText, env, project.example, readable, 0),
      /data\/grafana is not owned by uid 472/,
    );
    passes(checks.checkOperatorEnv(project.composeText, env, project.example, readable, 472));
    if (project.example?.LIVEKIT_API_SECRET) {
      const dev = { ...env, LIVEKIT_API_SECRET: project.example.LIVEKIT_API_SECRET };
      fails(checks.checkOperatorEnv(project.composeText, dev, project.example), /development value/);
    }
    assert.equal(checks.checkOperatorEnv(project.composeText, undefined, project.example).status, 'skip');
  });

  test('a crash inside a check is that check’s failure, not the run’s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dh-check-config-'));
    scratch.push(dir);
    mkdirSync(join(dir, 'services/gateway'), { recursive: true });
    writeFileSync(join(dir, 'docker-compose.yml'), 'services: [unclosed');
    const results = await checks.runChecks(dir);
    assert.ok(results.some((r) => r.status === 'fail'));
  });
});

describe('Compose interpolation as the checks read it', () => {
  test('$$, defaults, alternatives and required variables', () => {
    const env = { SET: 'v', EMPTY: '' };
    assert.equal(checks.interpolate('a$$b ${SET} $SET', env).value, 'a$b v v');
    assert.equal(checks.interpolate('${EMPTY:-d} ${EMPTY-d} ${UNSET-d}', env).value, 'd  d');
    assert.equal(checks.interpolate('${SET:+alt}${EMPTY:+no}', env).value, 'alt');
    assert.deepEqual(
      checks.interpolate('${UNSET:?set it} ${EMPTY:?set it}', env).missing.map((m) => m.name),
      ['UNSET', 'EMPTY'],
    );
    assert.throws(() => checks.interpolate('price: 5$', env), /invalid interpolation/);
  });
});
