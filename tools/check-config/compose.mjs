// Checks of docker-compose.yml that need no Docker engine: the Compose Specification schema, and the project's
// own rules (memory limits, healthchecks, restart policy, logging, pinned images, published ports).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv from 'ajv';
import { interpolate } from './interpolate.mjs';
import { result } from './result.mjs';

const require = createRequire(import.meta.url);

/** The services the other configuration (nginx, Prometheus, Grafana) refers to by name. */
export const SERVICES = [
  'redis',
  'livekit',
  'gateway',
  'dialogue',
  'tts',
  'media',
  'nginx',
  'prometheus',
  'grafana',
  'node-exporter',
];
/** Our own images, built from the Dockerfile. */
export const BUILT = ['gateway', 'dialogue', 'tts', 'media'];
/** 2 GB of RAM less ~500 MB for the host (DESIGN.md, contract section 1). */
export const MEMORY_BUDGET_MIB = 1536;
/** Services allowed to run without a healthcheck, with the reason. None: every container says how it is. */
export const HEALTHCHECK_EXEMPT = {};
/** What may be reachable from outside: the site (nginx) and LiveKit's media ports, host port = container port. */
export const ALLOWED_PORTS = {
  nginx: ['80/tcp', '443/tcp'],
  livekit: ['7881/tcp', '7882/udp'],
};
/** May share the host's network namespace (and so listen on the host), with the address it must not use. */
export const HOST_NETWORK_ALLOWED = ['node-exporter'];

const SCHEMA_PATH = new URL('../compose-spec/compose-spec.json', import.meta.url);
let validator;

/** The vendored Compose Specification schema (draft-07), compiled once. */
function composeValidator() {
  if (!validator) {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
    // The schema names its meta-schema by https URL; Ajv ships draft-07 under the http one.
    const meta = require('ajv/dist/refs/json-schema-draft-07.json');
    // strictTypes off: the upstream schema uses union types and untyped keywords Ajv's strict mode would refuse.
    const ajv = new Ajv({ allErrors: true, strictTypes: false });
    ajv.addMetaSchema({ ...meta, $id: schema.$schema });
    validator = ajv.compile(schema);
  }
  return validator;
}

const services = (compose) => Object.entries(compose?.services ?? {});

export function checkSchema(compose) {
  const validate = composeValidator();
  const problems = validate(compose)
    ? []
    : validate.errors.map((e) => {
        const extra = e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : '';
        return `${e.instancePath || '/'} ${e.message}${extra}`;
      });
  return result('compose: valid against the Compose Specification schema', problems);
}

export function checkServiceNames(compose) {
  const names = services(compose).map(([name]) => name);
  const problems = [
    ...SERVICES.filter((name) => !names.includes(name)).map((name) => `service "${name}" is missing`),
    ...names.filter((name) => !SERVICES.includes(name)).map((name) => `unexpected service "${name}"`),
  ];
  return result(`compose: the ${SERVICES.length} services`, problems);
}

/** Compose byte values ("128m", "1g", 1048576): binary units, as Docker reads them. */
export function parseBytes(value) {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(String(value).trim());
  if (!match) return undefined;
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2].toLowerCase()];
  return Math.round(Number(match[1]) * unit);
}

export function checkMemoryLimits(compose) {
  const problems = [];
  let total = 0;
  for (const [name, service] of services(compose)) {
    if (service.deploy?.resources?.limits?.memory !== undefined)
      problems.push(`${name}: use mem_limit, not deploy.resources.limits.memory (one way for every service)`);
    if (service.mem_limit === undefined) {
      problems.push(`${name}: no mem_limit`);
      continue;
    }
    const bytes = parseBytes(service.mem_limit);
    if (!bytes) problems.push(`${name}: mem_limit "${service.mem_limit}" is not a size`);
    else total += bytes;
  }
  const totalMiB = Math.round(total / 1024 ** 2);
  if (totalMiB > MEMORY_BUDGET_MIB) problems.push(`limits sum to ${totalMiB} MiB, more than ${MEMORY_BUDGET_MIB} MiB`);
  return result(
    `compose: every container has a memory limit, sum ${totalMiB} MiB ≤ ${MEMORY_BUDGET_MIB} MiB`,
    problems,
  );
}

export function checkNodeHeaps(compose) {
  const problems = [];
  for (const name of BUILT) {
    const service = compose?.services?.[name];
    if (!service) continue;
    const options = environmentOf(service).NODE_OPTIONS ?? '';
    const match = /--max-old-space-size=(\d+)/.exec(options);
    const limitMiB = (parseBytes(service.mem_limit) ?? 0) / 1024 ** 2;
    if (!match) problems.push(`${name}: NODE_OPTIONS has no --max-old-space-size`);
    else if (limitMiB && (Number(match[1]) < limitMiB * 0.3 || Number(match[1]) > limitMiB * 0.6))
      problems.push(`${name}: heap ${match[1]} MiB is not about half of the ${limitMiB} MiB limit`);
  }
  return result('compose: Node heaps capped at about half the memory limit', problems);
}

export function checkHealthchecks(compose) {
  const problems = [];
  for (const [name, service] of services(compose)) {
    if (HEALTHCHECK_EXEMPT[name]) continue;
    const check = service.healthcheck;
    const test = Array.isArray(check?.test) ? check.test : check?.test ? [check.test] : [];
    if (!check || check.disable === true || test.length === 0 || test[0] === 'NONE')
      problems.push(`${name}: no healthcheck`);
  }
  return result('compose: every container has a healthcheck', problems);
}

export function checkRestart(compose) {
  const problems = services(compose)
    .filter(([, service]) => service.restart !== 'unless-stopped')
    .map(([name, service]) => `${name}: restart is ${service.restart ?? 'not set'}`);
  return result('compose: every container restarts unless stopped', problems);
}

export function checkLogging(compose) {
  const problems = [];
  for (const [name, service] of services(compose)) {
    const logging = service.logging;
    const options = logging?.options ?? {};
    if (logging?.driver !== 'json-file' || String(options['max-size']) !== '10m' || String(options['max-file']) !== '3')
      problems.push(`${name}: logging must be json-file with max-size 10m and max-file 3`);
  }
  return result('compose: logs rotate (json-file, 3 × 10 MB)', problems);
}

/** A tag that names one release: three numeric parts (v1.13.5, 7.2.16-bookworm, 1.30.4-alpine) or a digest. */
export function isPinnedImage(image) {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon <= slash) return false;
  return /^v?\d+\.\d+\.\d+([-.+_][A-Za-z0-9.+_-]*)?$/.test(image.slice(colon + 1));
}

export function checkImages(compose, root) {
  const problems = [];
  for (const [name, service] of services(compose)) {
    const image = typeof service.image === 'string' ? service.image : '';
    if (!image) {
      problems.push(`${name}: no image`);
      continue;
    }
    if (image.includes('$')) problems.push(`${name}: image "${image}" depends on a variable`);
    else if (!isPinnedImage(image)) problems.push(`${name}: image "${image}" is not pinned to an exact version`);
    if (!BUILT.includes(name)) {
      if (service.build) problems.push(`${name}: only our four services are built here`);
      continue;
    }
    const version = JSON.parse(readFileSync(join(root, 'services', name, 'package.json'), 'utf8')).version;
    if (image !== `happy-digital-human/${name}:${version}`)
      problems.push(`${name}: image should be happy-digital-human/${name}:${version} (services/${name}/package.json)`);
    if (service.build?.target !== name || (service.build?.context ?? '.') !== '.')
      problems.push(`${name}: build must be {context: ., target: ${name}}`);
    if (service.pull_policy !== 'build')
      problems.push(`${name}: pull_policy must be build (the image is not on any registry)`);
  }
  return result('compose: every image pinned to an exact version', problems);
}

/** The ports a service publishes, as "host:container/protocol" (short and long syntax). */
export function publishedPorts(service) {
  return (service.ports ?? []).map((entry) => {
    if (typeof entry === 'object') {
      const target = entry.target;
      const published = entry.published ?? '(random)';
      return {
        host: String(published),
        container: String(target),
        protocol: entry.protocol ?? 'tcp',
        ip: entry.host_ip,
      };
    }
    const text = String(entry);
    const [spec, protocol = 'tcp'] = text.split('/');
    const parts = spec.split(':');
    const container = parts.pop();
    const host = parts.pop() ?? '(random)';
    return { host, container, protocol, ip: parts.join(':') || undefined };
  });
}

export function checkPorts(compose) {
  const problems = [];
  for (const [name, service] of services(compose)) {
    const allowed = ALLOWED_PORTS[name] ?? [];
    for (const port of publishedPorts(service)) {
      const id = `${port.container}/${port.protocol}`;
      if (!allowed.includes(id)) problems.push(`${name}: publishes ${port.host}:${id}; only ${describeAllowed()} may`);
      else if (port.host !== port.container) problems.push(`${name}: publishes ${id} on host port ${port.host}`);
    }
    for (const id of allowed) {
      if (!publishedPorts(service).some((port) => `${port.container}/${port.protocol}` === id))
        problems.push(`${name}: does not publish ${id}`);
    }
    if (service.network_mode === 'host') {
      if (!HOST_NETWORK_ALLOWED.includes(name)) problems.push(`${name}: network_mode host would put it on the host`);
      else problems.push(...hostListenProblems(name, service));
    }
  }
  return result('compose: only nginx (80, 443) and LiveKit (7881/tcp, 7882/udp) reachable from outside', problems);
}

function describeAllowed() {
  return Object.entries(ALLOWED_PORTS)
    .map(([name, ports]) => `${name} ${ports.join(' ')}`)
    .join(', ');
}

/** A host-network service must name the address it listens on, and not every interface. */
function hostListenProblems(name, service) {
  const command = Array.isArray(service.command) ? service.command : String(service.command ?? '').split(/\s+/);
  const flag = command.find((arg) => arg.startsWith('--web.listen-address='));
  if (!flag) return [`${name}: shares the host's network and listens on every interface (no --web.listen-address)`];
  const address = interpolate(flag.slice('--web.listen-address='.length), {}).value;
  const host = address.slice(0, address.lastIndexOf(':'));
  if (!host || host === '0.0.0.0' || host === '[::]' || host === '::')
    return [`${name}: listens on ${address}, every interface of the host`];
  return [];
}

/** `environment` as an object, whether written as a map or as NAME=value lines. */
export function environmentOf(service) {
  const environment = service?.environment ?? {};
  if (!Array.isArray(environment)) return environment;
  return Object.fromEntries(
    environment.map((line) => {
      const at = String(line).indexOf('=');
      return at < 0 ? [line, undefined] : [line.slice(0, at), line.slice(at + 1)];
    }),
  );
}

/** All compose checks that need only the parsed file (and the repository for package versions). */
export function composeChecks(compose, root) {
  return [
    checkSchema(compose),
    checkServiceNames(compose),
    checkMemoryLimits(compose),
    checkNodeHeaps(compose),
    checkHealthchecks(compose),
    checkRestart(compose),
    checkLogging(compose),
    checkImages(compose, root),
    checkPorts(compose),
  ];
}
