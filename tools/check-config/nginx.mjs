// nginx checks: every placeholder of nginx/templates has a value in the Compose file, and (once
// scripts/render-nginx.mjs exists) `nginx -t` on the config rendered with those values.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { environmentOf } from './compose.mjs';
import { interpolateDeep } from './interpolate.mjs';
import { result, skipped } from './result.mjs';

const run = promisify(execFile);

/** What `make check-config` substitutes for the operator's .env when it renders the production values. */
export const SAMPLE_ENV = { DOMAIN: 'example.com', PUBLIC_IP: '203.0.113.10' };

/** `${NAME}` placeholders (UPPER_CASE, the templates' convention) in nginx/templates/*.template. */
export function templatePlaceholders(root) {
  const dir = join(root, 'nginx/templates');
  if (!existsSync(dir)) return [];
  const names = new Set();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.template'))) {
    for (const match of readFileSync(join(dir, file), 'utf8').matchAll(/\$\{([A-Z][A-Z0-9_]*)\}/g)) names.add(match[1]);
  }
  return [...names].sort();
}

/** The nginx service's environment as the container would see it, with `env` standing in for .env. */
export function nginxValues(compose, env = SAMPLE_ENV) {
  return interpolateDeep(environmentOf(compose?.services?.nginx), env);
}

export function checkNginxPlaceholders(root, compose) {
  const name = 'nginx: every template placeholder has a value in the Compose file';
  const placeholders = templatePlaceholders(root);
  if (placeholders.length === 0) return skipped(name, 'not built yet (no nginx/templates/*.template)');
  const environment = environmentOf(compose?.services?.nginx);
  const problems = placeholders
    .filter((placeholder) => environment[placeholder] === undefined)
    .map((placeholder) => `\${${placeholder}} has no value in the nginx service's environment`);
  return result(name, problems);
}

/** nginx config text without comments, every quoted string emptied (''), so that braces can be counted. */
export function stripNginx(text) {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i += 1;
      out += '\n';
    } else if (ch === "'" || ch === '"') {
      for (i += 1; i < text.length && text[i] !== ch; i += 1) if (text[i] === '\\') i += 1;
      out += "''";
    } else out += ch;
  }
  return out;
}

/** The bodies of the blocks opened by `opening` (a RegExp ending just before `{`) at any depth, in order. */
export function nginxBlocks(text, opening) {
  const bodies = [];
  for (const match of text.matchAll(new RegExp(`${opening.source}\\s*\\{`, 'g'))) {
    let depth = 1;
    let end = match.index + match[0].length;
    for (; end < text.length && depth > 0; end += 1) depth += text[end] === '{' ? 1 : text[end] === '}' ? -1 : 0;
    bodies.push(text.slice(match.index + match[0].length, end - 1));
  }
  return bodies;
}

/**
 * The Compose healthcheck of nginx and the template must agree: it asks, on 127.0.0.1 and the HTTP port, a path
 * that the HTTP server answers itself (`location = <path>` returning 200) — not `/`, which redirects, nor a
 * path proxied to an upstream that may be down — and curl fails on an error status (--fail).
 */
export function checkNginxHealthcheck(root, compose) {
  const name = 'nginx: the Compose healthcheck asks a path nginx answers itself on its HTTP port';
  const service = compose?.services?.nginx;
  const test = service?.healthcheck?.test ?? [];
  const words = Array.isArray(test) ? test.slice(1).map(String) : String(test).split(/\s+/);
  const problems = [];
  const url = words.find((word) => /^https?:\/\//.test(word));
  if (!url) return result(name, ['nginx: the healthcheck asks no http:// URL']);
  const parsed = new URL(url);
  const httpPort = String(environmentOf(service).HTTP_PORT ?? '80');
  if (parsed.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(parsed.hostname))
    problems.push(`nginx: healthcheck URL ${url} is not http://127.0.0.1 (nginx itself, without TLS)`);
  if ((parsed.port || '80') !== httpPort)
    problems.push(`nginx: healthcheck port ${parsed.port || '80'} is not HTTP_PORT ${httpPort}`);
  if (words[0] === 'curl' && !words.some((word) => word === '--fail' || /^-[a-zA-Z]*f/.test(word)))
    problems.push('nginx: healthcheck curl without --fail passes on any status, a 404 or 502 included');
  const dir = join(root, 'nginx/templates');
  const templates = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.template')) : [];
  const servers = templates.flatMap((file) =>
    nginxBlocks(stripNginx(readFileSync(join(dir, file), 'utf8')), /\bserver/),
  );
  const http = servers.filter((body) => /^\s*listen\s+\S*\$\{HTTP_PORT\}/m.test(body));
  const path = parsed.pathname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const answered = http.some((body) =>
    nginxBlocks(body, new RegExp(`\\blocation\\s*=\\s*${path}`)).some((location) => /\breturn\s+200\b/.test(location)),
  );
  if (!answered)
    problems.push(
      `nginx: no "location = ${parsed.pathname}" returning 200 in the server on \${HTTP_PORT} (nginx/templates)`,
    );
  return result(name, problems);
}

/** A throwaway self-signed certificate for `nginx -t` (which loads the certificate and key it is given). */
async function selfSignedPair(dir) {
  const cert = join(dir, 'fullchain.pem');
  const key = join(dir, 'privkey.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    `/CN=${SAMPLE_ENV.DOMAIN}`,
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  return { cert, key };
}

/**
 * HOOK for scripts/render-nginx.mjs (written alongside this check), which exports
 * `renderNginx({ outDir, values, local })`: it renders nginx/nginx.conf and the templates with `values` into
 * `outDir` and returns the path of the main config there. `values` are the production values: the nginx service's
 * environment from docker-compose.yml, interpolated with SAMPLE_ENV for .env, limited to the templates'
 * placeholders (the rest are for the image's entrypoint). Paths that exist only inside the container are mapped
 * into `outDir`: a throwaway self-signed TLS_CERT / TLS_KEY, the ACME webroot, and (with `local`) the access log,
 * pid file and temp folders, so that the check runs without root. Then `nginx -t -p outDir -c <file>`.
 * Until the script exists the check reports itself skipped.
 */
export async function checkNginxRendered(root, compose, env = SAMPLE_ENV) {
  const name = 'nginx: nginx -t on the config rendered with the Compose values';
  const script = join(root, 'scripts/render-nginx.mjs');
  if (!existsSync(script)) return skipped(name, 'not built yet (scripts/render-nginx.mjs)');
  const outDir = mkdtempSync(join(tmpdir(), 'dh-check-nginx-'));
  try {
    const { renderNginx } = await import(pathToFileURL(script).href);
    if (typeof renderNginx !== 'function')
      return result(name, ['scripts/render-nginx.mjs does not export renderNginx']);
    let pair;
    try {
      pair = await selfSignedPair(outDir);
    } catch (error) {
      if (error.code === 'ENOENT') return skipped(name, 'openssl not installed');
      throw error;
    }
    const placeholders = new Set(templatePlaceholders(root));
    const production = Object.entries(nginxValues(compose, env)).filter(([key]) => placeholders.has(key));
    const values = { ...Object.fromEntries(production), TLS_CERT: pair.cert, TLS_KEY: pair.key };
    if (placeholders.has('ACME_WEBROOT')) values.ACME_WEBROOT = join(outDir, 'acme');
    delete values.ACCESS_LOG;
    const conf = await renderNginx({ outDir, values, local: true });
    try {
      await run('nginx', ['-t', '-q', '-p', outDir, '-c', conf]);
    } catch (error) {
      if (error.code === 'ENOENT') return skipped(name, 'nginx not installed (Debian package nginx)');
      return result(name, [`${error.stderr ?? ''}${error.stdout ?? ''}`.trim() || error.message]);
    }
    return result(name, []);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
