import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { Keys } from '@dh/contracts';
import { NO_LIVEKIT, type RunningGateway, assertErrorShape, request, startGateway } from './gateway-harness.js';

const INDEX = '<!doctype html><html><head><title>built page</title></head><body></body></html>';
const SCRIPT = `console.log(${JSON.stringify('开心'.repeat(200))});`;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

/** A raw GET, so that the path reaches the server exactly as written (fetch would resolve `..` first). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string; type: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString(),
          type: res.headers['content-type'] ?? '',
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('gateway: the built page, its assets and the owner avatar', () => {
  let gateway: RunningGateway;
  const dir = mkdtempSync(join(tmpdir(), 'dh-page-'));
  const web = join(dir, 'web');
  const avatar = join(dir, 'avatar');

  before(async () => {
    mkdirSync(join(web, 'assets'), { recursive: true });
    mkdirSync(avatar);
    writeFileSync(join(web, 'index.html'), INDEX);
    writeFileSync(join(web, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(web, 'assets', 'main-NLP5MOX4.js'), SCRIPT);
    writeFileSync(join(web, 'assets', 'main-NLP5MOX4.js.gz'), gzipSync(SCRIPT));
    writeFileSync(join(web, 'assets', 'main-NLP5MOX4.js.br'), brotliCompressSync(SCRIPT));
    writeFileSync(join(web, 'assets', 'main-NLP5MOX4.css'), 'body{margin:0}');
    writeFileSync(join(web, '.env'), 'SECRET=1');
    writeFileSync(join(dir, 'outside.txt'), 'outside the web root');
    gateway = await startGateway(NO_LIVEKIT, {
      WEB_ROOT: web,
      AVATAR_DIR: avatar,
      LIVEKIT_PUBLIC_URL: 'wss://lk.example.test:7443',
    });
  });
  after(async () => {
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('GET / is WEB_ROOT/index.html, revalidated, with the security headers', async () => {
    for (const path of ['/', '/index.html', '/?room=family']) {
      const reply = await request(`${gateway.url}${path}`);
      assert.equal(reply.status, 200, path);
      assert.equal(reply.text, INDEX);
      assert.equal(reply.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(reply.headers.get('cache-control'), 'no-cache');
      assert.equal(reply.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(reply.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(reply.headers.get('permissions-policy'), 'microphone=(self), camera=(self)');
      const csp = reply.headers.get('content-security-policy') ?? '';
      for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'"])
        assert.ok(csp.includes(`${directive};`), `${directive} in ${csp}`);
      assert.match(csp, /connect-src 'self' wss:\/\/lk\.example\.test:7443 https:\/\/lk\.example\.test:7443;/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    }
  });

  test('a revalidation with the ETag is a 304', async () => {
    const first = await request(`${gateway.url}/`);
    const etag = first.headers.get('etag');
    assert.ok(etag);
    const again = await fetch(`${gateway.url}/`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
  });

  test('hashed assets are immutable for a year, with the right content types', async () => {
    const script = await request(`${gateway.url}/assets/main-NLP5MOX4.js`, {
      headers: { 'accept-encoding': 'identity' },
    });
    assert.equal(script.status, 200);
    assert.equal(script.text, SCRIPT);
    assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(script.headers.get('content-encoding'), null);
    assert.equal(script.headers.get('x-content-type-options'), 'nosniff');
    const style = await request(`${gateway.url}/assets/main-NLP5MOX4.css`);
    assert.equal(style.headers.get('content-type'), 'text/css; charset=utf-8');
    const icon = await request(`${gateway.url}/favicon.svg`);
    assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
    assert.equal(icon.headers.get('cache-control'), 'no-cache', 'a name without a hash is revalidated');
  });

  test('the pre-compressed variants are sent to clients that take them', async () => {
    const get = (acceptEncoding: string) =>
      new Promise<{ encoding: string | undefined; vary: string | undefined; body: Buffer }>((resolve, reject) => {
        const { hostname, port } = new URL(gateway.url);
        const headers = { 'accept-encoding': acceptEncoding };
        httpRequest({ hostname, port, path: '/assets/main-NLP5MOX4.js', headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              encoding: res.headers['content-encoding'],
              vary: res.headers.vary,
              body: Buffer.concat(chunks),
            }),
          );
        })
          .on('error', reject)
          .end();
      });
    const gzip = await get('gzip');
    assert.equal(gzip.encoding, 'gzip');
    assert.equal(gzip.vary, 'Accept-Encoding');
    assert.equal(gunzipSync(gzip.body).toString(), SCRIPT);
    assert.equal((await get('gzip, deflate, br')).encoding, 'br');
    assert.equal((await get('br;q=0, gzip;q=0.8')).encoding, 'gzip');
    assert.equal((await get('br;q=0, gzip;q=0')).encoding, undefined);
  });

  test('no traversal, no hidden files, no directory listing: 404', async () => {
    for (const path of [
      '/..%2foutside.txt',
      '/%2e%2e/outside.txt',
      '/assets/..%2f..%2foutside.txt',
      '/..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/%2e%2e%2f%2e%2e%2fetc/passwd',
      '/..\\outside.txt',
      '/.env',
      '/%2eenv',
      '/assets',
      '/assets/',
      '/index.html%00.js',
      '/%FF',
    ]) {
      const reply = await rawGet(gateway.url, path);
      assert.equal(reply.status, 404, path);
      assert.doesNotMatch(reply.body, /outside the web root|SECRET|root:/, path);
      assert.match(reply.type, /^application\/json/, path);
    }
  });

  test('unknown files and unknown API paths: 404 in the error shape; POST / is not a file', async () => {
    assertErrorShape(await request(`${gateway.url}/assets/main-AAAAAAAA.js`), 404);
    assertErrorShape(await request(`${gateway.url}/api/nothing`), 404);
    assertErrorShape(await request(`${gateway.url}/`, { method: 'POST' }), 404);
  });

  test('/api/config: avatar null until all four images are there, then their URLs; /avatar serves them', async () => {
    const config = async () => (await request(`${gateway.url}/api/config`)).body as { avatar: unknown };
    assert.equal((await config()).avatar, null);
    writeFileSync(join(avatar, 'idle.png'), PNG);
    writeFileSync(join(avatar, 'mouth-half.webp'), 'RIFF....WEBP');
    writeFileSync(join(avatar, 'mouth-open.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    assert.equal((await config()).avatar, null, 'three of four');
    writeFileSync(join(avatar, 'blink.png'), PNG);
    writeFileSync(join(avatar, 'blink.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(avatar, 'other.png'), PNG);
    assert.deepEqual((await config()).avatar, {
      idle: '/avatar/idle.png',
      mouthHalf: '/avatar/mouth-half.webp',
      mouthOpen: '/avatar/mouth-open.svg',
      blink: '/avatar/blink.png',
    });

    const idle = await fetch(`${gateway.url}/avatar/idle.png`);
    assert.equal(idle.status, 200);
    assert.equal(idle.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await idle.arrayBuffer()), PNG);
    const svg = await request(`${gateway.url}/avatar/mouth-open.svg`);
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
    assert.match(svg.headers.get('content-security-policy') ?? '', /sandbox/, 'an SVG opened directly runs nothing');
    assert.equal((await request(`${gateway.url}/avatar/mouth-half.webp`)).headers.get('content-type'), 'image/webp');

    for (const path of [
      '/avatar/other.png',
      '/avatar/',
      '/avatar/idle.gif',
      '/avatar/mouth-open.png',
      '/avatar/..%2fidle.png',
    ])
      assertErrorShape(await request(`${gateway.url}${path}`), 404);
  });
});

describe('gateway: /api/config', () => {
  let open: RunningGateway;
  let guarded: RunningGateway;
  const noAvatar = join(tmpdir(), 'dh-no-such-avatar-dir');

  before(async () => {
    [open, guarded] = await Promise.all([
      startGateway(NO_LIVEKIT, { AVATAR_DIR: noAvatar }),
      startGateway(NO_LIVEKIT, { AVATAR_DIR: noAvatar, GUEST_PASSCODE: 'sesame' }),
    ]);
  });
  after(async () => {
    await Promise.all([open?.stop(), guarded?.stop()]);
  });

  const config = async (gateway: RunningGateway) => {
    const reply = await request(`${gateway.url}/api/config`);
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('cache-control'), 'no-cache');
    return reply.body;
  };
  const heartbeat = (gateway: RunningGateway, service: string, flags?: Record<string, unknown>) =>
    gateway.ns.redis.set(
      gateway.ns.key(Keys.heartbeat(service)),
      JSON.stringify({ pid: 1, startedAt: 0, at: Date.now(), ...(flags ? { flags } : {}) }),
      'PX',
      60_000,
    );

  test('without heartbeats: the defaults, and whether a passcode is required', async () => {
    const defaults = { nameMaxChars: 32, messageMaxChars: 300, llm: 'online', voiceInput: false, avatar: null };
    assert.deepEqual(await config(open), { passcodeRequired: false, ...defaults });
    assert.deepEqual(await config(guarded), { passcodeRequired: true, ...defaults });
  });

  test('the dialogue and media heartbeat flags, read on each request', async () => {
    await heartbeat(open, 'dialogue', { llm: 'offline', messageMaxChars: 120 });
    await heartbeat(open, 'media', { voiceInput: true });
    assert.deepEqual(await config(open), {
      passcodeRequired: false,
      nameMaxChars: 32,
      messageMaxChars: 120,
      llm: 'offline',
      voiceInput: true,
      avatar: null,
    });
    await heartbeat(open, 'dialogue', { llm: 'online', messageMaxChars: 200 });
    await heartbeat(open, 'media', { voiceInput: false });
    assert.deepEqual(await config(open), {
      passcodeRequired: false,
      nameMaxChars: 32,
      messageMaxChars: 200,
      llm: 'online',
      voiceInput: false,
      avatar: null,
    });
  });

  test('heartbeats without flags (an older service), or odd values: the defaults', async () => {
    await heartbeat(open, 'dialogue');
    await heartbeat(open, 'media');
    assert.deepEqual(await config(open), {
      passcodeRequired: false,
      nameMaxChars: 32,
      messageMaxChars: 300,
      llm: 'online',
      voiceInput: false,
      avatar: null,
    });
    await heartbeat(open, 'dialogue', { llm: 'maybe', messageMaxChars: -4 });
    await heartbeat(open, 'media', { voiceInput: 'yes' });
    const body = (await config(open)) as Record<string, unknown>;
    assert.equal(body.llm, 'online');
    assert.equal(body.messageMaxChars, 300);
    assert.equal(body.voiceInput, false);
  });
});

describe('gateway: the minimal page until the real one is built', () => {
  let gateway: RunningGateway;
  const empty = mkdtempSync(join(tmpdir(), 'dh-web-empty-'));

  before(async () => {
    gateway = await startGateway(NO_LIVEKIT, { WEB_ROOT: empty });
  });
  after(async () => {
    await gateway?.stop();
    rmSync(empty, { recursive: true, force: true });
  });

  test('GET / is public/index.html with its own policy (inline script and style, nothing else)', async () => {
    const reply = await request(`${gateway.url}/`);
    assert.equal(reply.status, 200);
    assert.match(reply.text, /data-testid="join-name"/);
    assert.equal(reply.headers.get('cache-control'), 'no-cache');
    assert.match(reply.headers.get('content-security-policy') ?? '', /script-src 'unsafe-inline'/);
    assertErrorShape(await request(`${gateway.url}/assets/main-NLP5MOX4.js`), 404);
  });
});
