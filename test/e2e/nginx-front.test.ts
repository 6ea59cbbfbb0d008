import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AVATAR_IDENTITY } from '@dh/contracts';
import { GuestClient, type JoinResponse, Stack, freePorts, waitFor } from '@dh/testing';
import {
  call,
  fakeGrafana,
  makeTestCa,
  NginxProcess,
  openSocket,
  postJson,
  seconds,
  startLoopbackNginx,
  WsClient,
} from './nginx-harness.js';

describe('nginx in front of the stack: the production config, real nginx, TLS from a test CA', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dh-nginx-front-'));
  const grafana = fakeGrafana();
  let stack: Stack;
  let nginx: NginxProcess;
  let tls: ReturnType<typeof makeTestCa>;
  let base = '';
  let httpPort = 0;
  let httpsPort = 0;
  let grant: JoinResponse;
  let guest: GuestClient | undefined;
  const sockets: WsClient[] = [];

  before(async () => {
    // As root nginx's workers run as nobody: they must reach the webroot below this folder.
    chmodSync(dir, 0o755);
    tls = makeTestCa(dir);
    [httpPort, httpsPort] = (await freePorts(2)) as [number, number];
    base = `https://127.0.0.1:${httpsPort}`;
    await grafana.start();
    stack = new Stack({
      // The browser's LiveKit URL is nginx's; the services keep talking to LiveKit directly. The gateway's own
      // join limit is raised so that only nginx's can answer 429 below.
      env: { LIVEKIT_PUBLIC_URL: `wss://127.0.0.1:${httpsPort}`, JOIN_RATE_LIMIT: '1000' },
    });
    await stack.start();
    const acme = join(dir, 'acme', '.well-known', 'acme-challenge');
    mkdirSync(acme, { recursive: true });
    writeFileSync(join(acme, 'token-1'), 'token-1.thumbprint');
    nginx = await startLoopbackNginx(
      dir,
      { http: httpPort, https: httpsPort },
      {
        GATEWAY_UPSTREAM: new URL(stack.gatewayUrl).host,
        LIVEKIT_UPSTREAM: `127.0.0.1:${stack.livekit.port}`,
        GRAFANA_UPSTREAM: `127.0.0.1:${grafana.port}`,
        TLS_CERT: tls.cert,
        TLS_KEY: tls.key,
        ACME_WEBROOT: join(dir, 'acme'),
        // Upstreams are addresses here: nothing is looked up.
        RESOLVER: '127.0.0.1',
      },
    );
  });

  after(async () => {
    for (const socket of sockets) socket.terminate();
    await guest?.disconnect();
    await nginx?.stop();
    await stack?.stop();
    await grafana.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the guest page comes through https with the gateway’s CSP intact and nginx’s headers added', async () => {
    const page = await call(`${base}/`, { ca: tls.ca });
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /<html/);
    const csp = page.headers['content-security-policy'];
    assert.equal(typeof csp, 'string', 'one CSP, the gateway’s');
    assert.match(String(csp), new RegExp(`connect-src 'self' wss://127\\.0\\.0\\.1:${httpsPort}`));
    assert.match(String(csp), /frame-ancestors 'none'/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.equal(page.headers['strict-transport-security'], 'max-age=31536000');
    assert.equal(page.headers.server, 'nginx', 'no version');

    const script = /<script[^>]+src="([^"]+\.js)"/.exec(page.body)?.[1];
    assert.ok(script, 'the page names its script');
    const asset = await call(new URL(script, `${base}/`).href, { ca: tls.ca, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(asset.status, 200);
    assert.equal(asset.headers['content-encoding'], 'gzip');
    assert.match(String(asset.headers['cache-control']), /immutable/);
  });

  test('plain HTTP redirects to HTTPS, except Let’s Encrypt’s challenge and the health check', async () => {
    const redirect = await call(`http://127.0.0.1:${httpPort}/?room=family`);
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.location, `https://127.0.0.1:${httpsPort}/?room=family`);
    const challenge = await call(`http://127.0.0.1:${httpPort}/.well-known/acme-challenge/token-1`);
    assert.equal(challenge.status, 200);
    assert.equal(challenge.body, 'token-1.thumbprint');
    const health = await call(`http://127.0.0.1:${httpPort}/nginx-health`);
    assert.deepEqual([health.status, health.body], [200, 'ok'], 'for Compose’s healthcheck');
  });

  test('internal endpoints are not reachable: no /metrics, and nginx listens on its two ports only', async () => {
    const metrics = await call(`${base}/metrics`, { ca: tls.ca });
    assert.equal(metrics.status, 404);
    assert.doesNotMatch(metrics.body, /process_resident_memory_bytes|dh_/);
    assert.equal((JSON.parse(metrics.body) as { statusCode: number }).statusCode, 404);
    const site = readFileSync(join(dirname(nginx.config), 'conf.d', 'default.conf'), 'utf8');
    const listens = [...site.matchAll(/^\s*listen\s+([^\s;]+)/gm)].map((m) => m[1]);
    assert.deepEqual(listens, [`127.0.0.1:${httpPort}`, `127.0.0.1:${httpsPort}`]);
  });

  test('a guest joins over https, connects over wss through nginx, and the avatar answers a typed message', async () => {
    const joined = await postJson(`${base}/api/join`, tls.ca, { name: '小明' });
    assert.equal(joined.status, 200, joined.body);
    grant = JSON.parse(joined.body) as JoinResponse;
    assert.equal(grant.url, `wss://127.0.0.1:${httpsPort}`, 'the guest is sent to LiveKit through nginx');

    // rtc-node's Rust core verifies TLS with rustls and the system's roots, which it reads from SSL_CERT_FILE
    // when set; Node's own CA options do not reach it.
    process.env.SSL_CERT_FILE = tls.caFile;
    guest = new GuestClient(grant);
    await guest.connect();
    await guest.waitForAvatar();
    const [greeting] = await guest.waitForTranscriptions(1);
    assert.equal(greeting!.from, AVATAR_IDENTITY);
    const sentAt = await guest.say('经过 nginx 的消息');
    await waitFor('the answer', () => guest!.transcriptions.some((t) => t.text.includes('经过 nginx 的消息')), 30_000);
    await guest.waitForVoiceAfter(sentAt); // and the voice, over WebRTC straight to LiveKit

    // nginx logs a WebSocket when it closes.
    await guest.disconnect();
    const log = await waitFor('the signalling connection in the access log', () => {
      const text = readFileSync(join(dirname(nginx.config), 'access.log'), 'utf8');
      return /"GET \/rtc(\/v1)? HTTP\/1\.1" 101 /.test(text) && text;
    });
    assert.doesNotMatch(log, /access_token|eyJ/, 'no token in the access log');
  });

  test('LiveKit’s /rtc/validate and /twirp/ API answer through nginx', async () => {
    const validate = await call(`${base}/rtc/validate?access_token=${grant.token}`, { ca: tls.ca });
    assert.equal(validate.status, 200, validate.body);
    const twirp = await postJson(`${base}/twirp/livekit.RoomService/ListRooms`, tls.ca, {});
    assert.equal(twirp.status, 401, 'LiveKit itself refuses a call without its token');
    assert.match(twirp.body, /unauthenticated|permission/i);
  });

  test('/rtc keeps idle WebSockets for an hour (nginx’s default is 60 s)', () => {
    const site = readFileSync(join(dirname(nginx.config), 'conf.d', 'default.conf'), 'utf8');
    const rtc = /location ~ \^\/rtc[^{]*\{([^}]*)\}/.exec(site)?.[1];
    assert.ok(rtc, 'a location for /rtc');
    for (const directive of ['proxy_read_timeout', 'proxy_send_timeout']) {
      const value = new RegExp(`${directive}\\s+(\\S+);`).exec(rtc)?.[1];
      assert.ok(value && seconds(value) >= 3600, `${directive} ${value}`);
    }
    assert.match(site, /proxy_set_header Upgrade \$http_upgrade;/);
    assert.match(site, /proxy_set_header Connection \$connection_upgrade;/);
  });

  test('the page’s /ws feed upgrades through nginx and answers the hello', async () => {
    const socket = await openSocket(`wss://127.0.0.1:${httpsPort}/ws`, tls.ca);
    sockets.push(socket);
    const messages: { type: string }[] = [];
    socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as { type: string }));
    socket.send(JSON.stringify({ type: 'hello', token: grant.token }));
    await waitFor('the status frame', () => messages.find((m) => m.type === 'status'));
  });

  test('Grafana gets its sub-path, the real client address and scheme, and its live WebSocket', async () => {
    const reply = await call(`${base}/grafana/api/health?x=1`, {
      ca: tls.ca,
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    assert.equal(reply.status, 200);
    const seen = JSON.parse(reply.body) as { url: string; headers: Record<string, string> };
    assert.equal(seen.url, '/grafana/api/health?x=1');
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1', 'a forged address is replaced');
    assert.equal(seen.headers['x-real-ip'], '127.0.0.1');
    assert.equal(seen.headers['x-forwarded-proto'], 'https');
    assert.equal(seen.headers.host, `127.0.0.1:${httpsPort}`);
    const bare = await call(`${base}/grafana`, { ca: tls.ca });
    assert.equal(bare.status, 301);
    assert.match(String(bare.headers.location), /\/grafana\/$/);
    sockets.push(await openSocket(`wss://127.0.0.1:${httpsPort}/grafana/api/live/ws`, tls.ca));
  });

  // Last: it uses up this address's join allowance.
  test('nginx refuses floods of joins and large bodies itself, in the API’s JSON error shape', async () => {
    const large = await postJson(`${base}/api/join`, tls.ca, { name: 'x'.repeat(64 * 1024) });
    assert.equal(large.status, 413);
    assert.equal((JSON.parse(large.body) as { statusCode: number }).statusCode, 413);
    assert.match(large.body, /请求内容太大/, 'from nginx, before the gateway reads it');

    const replies = await Promise.all(Array.from({ length: 30 }, () => postJson(`${base}/api/join`, tls.ca, {})));
    const limited = replies.filter((r) => r.status === 429);
    assert.ok(limited.length >= 10, `most of a burst of 30 is refused (${replies.map((r) => r.status).join(' ')})`);
    assert.ok(replies.filter((r) => r.status === 400).length >= 5, 'the first ones reach the gateway');
    const body = JSON.parse(limited[0]!.body) as { statusCode: number; error: string; message: string };
    assert.equal(body.statusCode, 429);
    assert.match(body.message, /请求太频繁/);
    assert.equal(limited[0]!.headers['retry-after'], '1');
  });
});
