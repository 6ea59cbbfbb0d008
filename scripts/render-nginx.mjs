#!/usr/bin/env node
// Renders nginx/nginx.conf and nginx/templates/*.template into a folder, substituting the template's
// ${NAME} placeholders the way the official nginx image does at start (envsubst over defined variables),
// so that tests and `make check-config` run `nginx -t` on exactly what production runs.
//
//   node scripts/render-nginx.mjs --out DIR [--no-local] [--set KEY=VALUE ...]
//
// Prints the rendered main config's path. The pid file, temp folders and access log go inside DIR (main.d/,
// conf.d/00-local.conf, ACCESS_LOG), a certificate that exists only inside the container gets a stand-in, and
// without root ports below 1024 move up by 20000, so that `nginx -t -p DIR -c DIR/nginx.conf` and nginx itself
// run here as any user. --no-local renders only what the image would (conf.d/ as the container sees it).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const NGINX_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'nginx');

/** Production values (docker-compose.yml sets the same in the nginx container); DOMAIN has none. */
export const NGINX_DEFAULTS = Object.freeze({
  HTTP_PORT: '80',
  HTTPS_PORT: '443',
  LISTEN_ADDRESS: '0.0.0.0',
  GATEWAY_UPSTREAM: 'gateway:8080',
  LIVEKIT_UPSTREAM: 'livekit:7880',
  GRAFANA_UPSTREAM: 'grafana:3000',
  // Docker's embedded DNS server, inside every container on a user-defined network.
  RESOLVER: '127.0.0.11',
  TLS_CERT: '/etc/nginx/certs/fullchain.pem',
  TLS_KEY: '/etc/nginx/certs/privkey.pem',
  ACME_WEBROOT: '/var/www/acme',
  // The official image links it to the container's stdout.
  ACCESS_LOG: '/var/log/nginx/access.log',
  HSTS: 'max-age=31536000',
});

/** Placeholders without a production default. */
export const NGINX_REQUIRED = Object.freeze(['DOMAIN']);

export class NginxRenderError extends Error {}

/**
 * envsubst's rule with the image's list of defined variables: `$NAME` and `${NAME}` are replaced when NAME
 * has a value, everything else stays (nginx's `$host`, `$uri` …).
 */
export function substitute(text, values) {
  return text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (match, braced, bare) => {
    const name = braced ?? bare;
    return Object.hasOwn(values, name) ? values[name] : match;
  });
}

/** What a placeholder looks like here: upper case, so it never collides with an nginx variable. */
const LEFTOVER = /\$\{?([A-Z][A-Z0-9_]*)\}?/g;

/** The image's own settings (NGINX_ENVSUBST_*, NGINX_ENTRYPOINT_*) share the container's environment. */
const IMAGE_SETTING = /^NGINX_/;

function checkValues(values, known) {
  for (const [name, value] of Object.entries(values)) {
    if (IMAGE_SETTING.test(name)) continue;
    if (!known.has(name))
      throw new NginxRenderError(`unknown nginx placeholder ${name} (known: ${[...known].join(', ')})`);
    if (typeof value !== 'string') throw new NginxRenderError(`${name} must be a string`);
    // A line break or a semicolon would end the directive and let a value write its own configuration.
    if (/[\n\r;{}]/.test(value)) throw new NginxRenderError(`${name} must not contain line breaks, ';', '{' or '}'`);
  }
}

/**
 * Renders into `outDir`: nginx.conf (copied as is) and conf.d/<name>.conf for every template. With `local`
 * (the default) also main.d/local.conf and conf.d/00-local.conf (pid file and temp paths under outDir),
 * ACCESS_LOG at outDir/access.log, a stand-in certificate when TLS_CERT or TLS_KEY is not a file here (a path
 * inside the container), and without root HTTP_PORT/HTTPS_PORT below 1024 raised by 20000. `values` may be the nginx container's whole environment.
 * Returns the rendered main config's path. Throws NginxRenderError on a placeholder without a value or a
 * value for no placeholder.
 */
export function renderNginx({ outDir, values = {}, local = true, sourceDir = NGINX_DIR }) {
  const out = resolve(outDir);
  const main = readFileSync(join(sourceDir, 'nginx.conf'), 'utf8');
  const inMain = [...main.matchAll(LEFTOVER)].map((m) => m[0]);
  if (inMain.length) throw new NginxRenderError(`nginx.conf is used verbatim and must not hold ${inMain.join(', ')}`);

  const templateDir = join(sourceDir, 'templates');
  const templates = readdirSync(templateDir).filter((name) => name.endsWith('.template'));
  const sources = templates.map((name) => ({ name, text: readFileSync(join(templateDir, name), 'utf8') }));
  const known = new Set(sources.flatMap(({ text }) => [...text.matchAll(LEFTOVER)].map((m) => m[1])));
  checkValues(values, known);
  const all = { ...NGINX_DEFAULTS, ...values };
  for (const name of NGINX_REQUIRED) {
    if (known.has(name) && !all[name]) throw new NginxRenderError(`${name} is required (use --set ${name}=…)`);
  }

  mkdirSync(join(out, 'conf.d'), { recursive: true });
  if (local) {
    // The container's log path is no use here (and /dev/stdout cannot be opened when stdout is a socket).
    all.ACCESS_LOG = join(out, 'access.log');
    if (!(existsSync(all.TLS_CERT) && existsSync(all.TLS_KEY))) Object.assign(all, standInCertificate(out));
    // Ports below 1024 need root, and `nginx -t` binds them too: without root they move up by 20000 (80 → 20080).
    if (process.getuid?.() !== 0) {
      for (const name of ['HTTP_PORT', 'HTTPS_PORT']) {
        if (Number(all[name]) < 1024) all[name] = String(Number(all[name]) + 20_000);
      }
    }
  }

  copyFileSync(join(sourceDir, 'nginx.conf'), join(out, 'nginx.conf'));
  for (const { name, text } of sources) {
    const rendered = substitute(text, all);
    const missing = [...new Set([...rendered.matchAll(LEFTOVER)].map((m) => m[1]))];
    if (missing.length)
      throw new NginxRenderError(`${name}: no value for ${missing.join(', ')} (use --set NAME=VALUE)`);
    writeFileSync(join(out, 'conf.d', name.replace(/\.template$/, '')), rendered);
  }
  if (local) writeLocal(out);
  return join(out, 'nginx.conf');
}

/** Paths the current user can write: `nginx -t` and nginx itself refuse a pid file or temp folder they cannot. */
function writeLocal(out) {
  const note = '# scripts/render-nginx.mjs --local: paths the current user can write (production keeps the defaults).';
  const tmp = join(out, 'tmp');
  mkdirSync(tmp, { recursive: true });
  mkdirSync(join(out, 'main.d'), { recursive: true });
  writeFileSync(join(out, 'main.d', 'local.conf'), `${note}\npid ${join(out, 'nginx.pid')};\n`);
  const paths = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
    (kind) => `${kind}_temp_path ${join(tmp, kind)};`,
  );
  writeFileSync(join(out, 'conf.d', '00-local.conf'), `${note}\n${paths.join('\n')}\n`);
}

/** A self-signed pair for `nginx -t` when the real one lives only in the container (make check-config). */
function standInCertificate(out) {
  const cert = join(out, 'stand-in.crt');
  const key = join(out, 'stand-in.key');
  const args = 'req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=stand-in';
  execFileSync('openssl', [...args.split(' '), '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { TLS_CERT: cert, TLS_KEY: key };
}

function parseArgs(argv) {
  const options = { outDir: '', values: {}, local: true };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--out') options.outDir = argv[++i] ?? '';
    else if (arg === '--no-local') options.local = false;
    else if (arg === '--set') {
      const pair = argv[++i] ?? '';
      const at = pair.indexOf('=');
      if (at < 1) throw new NginxRenderError(`--set wants KEY=VALUE, got "${pair}"`);
      options.values[pair.slice(0, at)] = pair.slice(at + 1);
    } else throw new NginxRenderError(`unknown argument ${arg}`);
  }
  if (!options.outDir) throw new NginxRenderError('--out DIR is required');
  return options;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(renderNginx(parseArgs(process.argv.slice(2))));
  } catch (error) {
    if (!(error instanceof NginxRenderError)) throw error;
    console.error(`render-nginx: ${error.message}`);
    process.exit(1);
  }
}
