// What the nginx tests share: the renderer, real nginx as a child process, a throwaway CA, small clients.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { LoopbackServer, repoRoot, waitFor } from '@dh/testing';

/** scripts/render-nginx.mjs, loaded by path: it is plain JavaScript outside the TypeScript projects. */
export interface NginxRenderer {
  renderNginx: (options: { outDir: string; values?: Record<string, string>; local?: boolean }) => string;
}
export const renderer = import(
  pathToFileURL(join(repoRoot(), 'scripts/render-nginx.mjs')).href
) as Promise<NginxRenderer>;

/** The part of the `ws` client used here (installed with @nestjs/platform-ws, without types). */
export interface WsClient extends EventEmitter {
  send(data: string): void;
  terminate(): void;
}
export const WebSocket = createRequire(import.meta.url)('ws') as new (url: string, options: { ca: string }) => WsClient;

export const NGINX = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request over http: or https: trusting `ca`, without following redirects. */
export function call(
  url: string,
  options: { ca?: string; method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: options.method ?? 'GET', headers: options.headers, ca: options.ca, agent: false });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.end(options.body);
  });
}

export function postJson(url: string, ca: string, body: unknown): Promise<Reply> {
  return call(url, { ca, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** `openssl` with its arguments in one string (none here holds a space). */
export function openssl(cwd: string, args: string): string {
  return execFileSync('openssl', args.split(/\s+/), { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A throwaway CA and a server certificate for 127.0.0.1 signed by it (what a public CA would give). */
export function makeTestCa(dir: string): { caFile: string; ca: string; cert: string; key: string } {
  const ec = '-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes';
  const caExt = '-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign';
  openssl(dir, `req -x509 -days 2 ${ec} -keyout ca.key -out ca.pem -subj /CN=dh-test-CA ${caExt}`);
  openssl(dir, `req ${ec} -keyout server.key -out server.csr -subj /CN=127.0.0.1`);
  const serverExt = [
    'subjectAltName=IP:127.0.0.1',
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
  ];
  writeFileSync(join(dir, 'server.ext'), `${serverExt.join('\n')}\n`);
  openssl(
    dir,
    'x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext',
  );
  const caFile = join(dir, 'ca.pem');
  return { caFile, ca: readFileSync(caFile, 'utf8'), cert: join(dir, 'server.pem'), key: join(dir, 'server.key') };
}

/** Real nginx on the rendered config, in the foreground, as the current user. */
export class NginxProcess {
  readonly output: string[] = [];
  private child: ChildProcess | undefined;

  constructor(
    readonly config: string,
    private readonly httpsPort: number,
  ) {}

  /** `nginx -t`: its output when the config is refused. */
  check(): void {
    const prefix = dirname(this.config);
    const result = spawnSync(NGINX, ['-t', '-p', prefix, '-c', this.config], { encoding: 'utf8' });
    assert.equal(result.status, 0, `nginx -t: ${result.stderr}`);
  }

  async start(): Promise<void> {
    const child = spawn(NGINX, ['-p', dirname(this.config), '-c', this.config, '-g', 'daemon off;'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => this.output.push(...chunk.toString().split('\n').filter(Boolean));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await waitFor(
      `nginx on ${this.httpsPort}`,
      () => {
        if (child.exitCode !== null) throw new Error(`nginx exited: ${this.output.join('\n')}`);
        return new Promise<boolean>((resolve) => {
          const socket = connect(this.httpsPort, '127.0.0.1', () => resolve(true)).on('error', () => resolve(false));
          socket.unref();
          socket.once('connect', () => socket.end());
        });
      },
      10_000,
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await gone;
  }
}

/** A stand-in for Grafana: answers with what it was asked (path and proxy headers), and accepts WebSockets. */
export function fakeGrafana(): LoopbackServer {
  return new LoopbackServer(
    (req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ url: req.url, headers: req.headers }));
    },
    (req: IncomingMessage, socket: Duplex) => {
      const accept = createHash('sha1')
        .update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
        .digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
    },
  );
}

export function openSocket(url: string, ca: string): Promise<WsClient> {
  const socket = new WebSocket(url, { ca });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Seconds in an nginx time value (`1h`, `3600s`, `3600`). */
export function seconds(value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value);
  assert.ok(match, `a time value: ${value}`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] ?? 's'] ?? 1;
  return Number(match[1]) * unit;
}

/**
 * The production config rendered to `dir/nginx` for this machine (`local`: pid, temp paths and logs inside the
 * folder), listening on 127.0.0.1 at the given ports, then checked (`nginx -t`) and started.
 */
export async function startLoopbackNginx(
  dir: string,
  ports: { http: number; https: number },
  values: Record<string, string>,
): Promise<NginxProcess> {
  const { renderNginx } = await renderer;
  const config = renderNginx({
    outDir: join(dir, 'nginx'),
    local: true,
    values: {
      DOMAIN: '127.0.0.1',
      LISTEN_ADDRESS: '127.0.0.1',
      HTTP_PORT: String(ports.http),
      HTTPS_PORT: String(ports.https),
      ...values,
    },
  });
  const nginx = new NginxProcess(config, ports.https);
  nginx.check();
  await nginx.start();
  return nginx;
}
