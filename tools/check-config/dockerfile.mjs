// Checks of the Dockerfile and .dockerignore: a glibc Node 22 base pinned to a release, one target per built
// service running the same node flags as `make dev`, a non-root user, and no secrets in the build context.
import { BUILT } from './compose.mjs';
import { result } from './result.mjs';

/** The flags every service runs with (libs/testing/src/service-process.ts NODE_SERVICE_FLAGS). */
export const NODE_SERVICE_FLAGS = ['--max-semi-space-size=1', '--optimize-for-size'];

/** Instructions with continuations joined and comments dropped: [{ keyword, args }]. */
export function parseDockerfile(text) {
  const instructions = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (!line && !pending)) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = `${pending}${line}`.trim();
    pending = '';
    if (!full) continue;
    const space = full.search(/\s/);
    instructions.push({
      keyword: (space < 0 ? full : full.slice(0, space)).toUpperCase(),
      args: space < 0 ? '' : full.slice(space + 1).trim(),
    });
  }
  return instructions;
}

/** Build stages: { name, base, user, cmd, runs } with ARG defaults (declared before the first FROM) substituted. */
export function dockerStages(text) {
  const args = {};
  const stages = [];
  for (const { keyword, args: rest } of parseDockerfile(text)) {
    if (keyword === 'ARG' && stages.length === 0) {
      const [name, value = ''] = rest.split('=');
      args[name.trim()] = value.trim();
    } else if (keyword === 'FROM') {
      const [image = '', as, name] = rest.replace(/--platform=\S+\s+/, '').split(/\s+/);
      const base = image.replace(/\$\{?(\w+)\}?/g, (_, arg) => args[arg] ?? '');
      const stage = { name: as?.toUpperCase() === 'AS' ? name : undefined, base, user: undefined, cmd: undefined };
      stages.push({ ...stage, runs: [] });
    } else if (keyword === 'USER' && stages.length) stages[stages.length - 1].user = rest;
    else if (keyword === 'CMD' && stages.length) stages[stages.length - 1].cmd = rest;
    else if (keyword === 'RUN' && stages.length) stages[stages.length - 1].runs.push(rest);
  }
  return stages;
}

export function checkDockerfile(text, compose) {
  const problems = [];
  const stages = dockerStages(text);
  const names = new Set(stages.map((stage) => stage.name).filter(Boolean));
  const bases = stages.filter((stage) => !names.has(stage.base) && stage.base !== 'scratch');
  if (bases.length === 0) problems.push('no base image');
  for (const { base } of bases) {
    // rtc-node has no musl build: glibc Debian images only, and one exact Node 22 release.
    if (!/^node:22\.\d+\.\d+-(bookworm|trixie|bullseye)(-slim)?$/.test(base))
      problems.push(`base image "${base}" is not a pinned glibc node:22.x.y-<debian>[-slim] image`);
  }
  const targets = Object.entries(compose?.services ?? {})
    .filter(([, service]) => service.build)
    .map(([name, service]) => [name, service.build.target]);
  for (const name of BUILT) if (!targets.some(([service]) => service === name)) targets.push([name, name]);
  for (const [service, target] of targets) {
    const stage = stages.find((s) => s.name === target);
    if (!stage) {
      problems.push(`no stage "${target}" for ${service}`);
      continue;
    }
    if (!stage.user || /^(root|0)(:|$)/.test(stage.user)) problems.push(`${target}: runs as root (no USER)`);
    let cmd;
    try {
      cmd = JSON.parse(stage.cmd ?? 'null');
    } catch {
      cmd = null;
    }
    const expected = ['node', ...NODE_SERVICE_FLAGS, `services/${service}/dist/src/main.js`];
    if (JSON.stringify(cmd) !== JSON.stringify(expected))
      problems.push(`${target}: CMD must be ${JSON.stringify(expected)} (exec form, the flags make dev uses)`);
  }
  return result(
    'Dockerfile: pinned glibc node:22 base, a non-root target per service with the service flags',
    problems,
  );
}

/** dockerignore semantics, enough for this check: globs (*, **, ?), `!` exceptions, the last match wins. */
export function dockerIgnored(patterns, path) {
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = (negate ? raw.slice(1) : raw).replace(/^\/+|\/+$/g, '');
    if (!pattern) continue;
    const source = pattern
      .split('/')
      .map((part) =>
        part === '**'
          ? '.*'
          : part
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '[^/]*')
              .replace(/\?/g, '[^/]'),
      )
      .join('/')
      .replace(/\.\*\//g, '(?:.*/)?');
    // A pattern matching a folder excludes everything below it.
    if (new RegExp(`^${source}(?:/.*)?$`).test(path)) ignored = !negate;
  }
  return ignored;
}

/** Paths that must never reach the build context (secrets, local state) and paths the build needs. */
export const MUST_IGNORE = [
  '.env',
  'secrets/deepseek_api_key',
  '.git/config',
  'node_modules/x/index.js',
  'certs/privkey.pem',
];
export const MUST_KEEP = ['package.json', 'package-lock.json', 'tsconfig.base.json', 'services/gateway/src/main.ts'];

export function checkDockerignore(text) {
  const patterns = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const problems = [
    ...MUST_IGNORE.filter((path) => !dockerIgnored(patterns, path)).map((path) => `${path} would be sent to the build`),
    ...MUST_KEEP.filter((path) => dockerIgnored(patterns, path)).map((path) => `${path} is needed by the build`),
  ];
  return result('.dockerignore keeps secrets, .env and local state out of the build context', problems);
}

/** Debian packages a service's image needs at run time, with the reason (REFERENCE: speech, rtc-node). */
export const STAGE_PACKAGES = {
  tts: { 'espeak-ng': 'the local engine, TTS_ENGINE=espeak (the default), with its Mandarin voice' },
  media: { 'libglib2.0-0': "@livekit/rtc-node's native library links GLib, which slim images leave out" },
};

/** Packages `apt-get install` (or `apt install`) adds in these RUN lines. */
export function aptPackages(runs) {
  const packages = [];
  for (const run of runs) {
    for (const command of run.split(/&&|\|\||;|\|/)) {
      const words = command.trim().split(/\s+/);
      const install = words.findIndex((word, i) => word === 'install' && /^apt(-get)?$/.test(words[i - 1] ?? ''));
      if (install < 0) continue;
      packages.push(...words.slice(install + 1).filter((word) => !word.startsWith('-')));
    }
  }
  return packages;
}

/** The packages installed in a stage and in the stages it is built FROM. */
function installedIn(stages, name, seen = new Set()) {
  const stage = stages.find((s) => s.name === name);
  if (!stage || seen.has(name)) return [];
  seen.add(name);
  return [...aptPackages(stage.runs), ...installedIn(stages, stage.base, seen)];
}

export function checkDockerfilePackages(text) {
  const stages = dockerStages(text);
  const problems = [];
  for (const [target, packages] of Object.entries(STAGE_PACKAGES)) {
    const installed = installedIn(stages, target);
    for (const [name, why] of Object.entries(packages))
      if (!installed.includes(name)) problems.push(`${target}: does not apt-get install ${name} (${why})`);
  }
  const wanted = Object.entries(STAGE_PACKAGES).map(
    ([target, packages]) => `${target} ${Object.keys(packages).join(' ')}`,
  );
  return result(`Dockerfile: the run-time packages each target needs (${wanted.join(', ')})`, problems);
}
