import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { freePorts, repoRoot } from '@dh/testing';
import { call, NginxProcess, openssl, renderer, startLoopbackNginx } from './nginx-harness.js';

describe('scripts/cert.sh and scripts/render-nginx.mjs on their own', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dh-nginx-cert-'));
  const certDir = join(dir, 'certs');
  const script = join(repoRoot(), 'scripts/cert.sh');
  let nginx: NginxProcess | undefined;

  after(async () => {
    await nginx?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the renderer refuses a missing DOMAIN, an unknown placeholder and a value that would add directives', async () => {
    const { renderNginx } = await renderer;
    const outDir = join(dir, 'refused');
    assert.throws(() => renderNginx({ outDir }), /DOMAIN/);
    assert.throws(() => renderNginx({ outDir, values: { DOMAIN: 'a.example', DOMIAN: 'typo' } }), /DOMIAN/);
    assert.throws(() => renderNginx({ outDir, values: { DOMAIN: 'a.example; include /etc/passwd' } }), /DOMAIN/);
  });

  test('the production values, as the container sees them, render to a config nginx -t accepts here', async () => {
    const { renderNginx } = await renderer;
    // The nginx container's environment: the placeholders' production values and the image's own settings.
    const environment = { DOMAIN: 'chat.example.com', NGINX_ENTRYPOINT_QUIET_LOGS: '1' };
    const config = renderNginx({ outDir: join(dir, 'production'), values: environment });
    new NginxProcess(config, 0).check();
    const site = readFileSync(join(dir, 'production', 'conf.d', 'default.conf'), 'utf8');
    assert.match(site, /server_name chat\.example\.com;/);
    assert.match(site, /set \$dh_gateway gateway:8080;/);
    assert.match(site, /resolver 127\.0\.0\.11 /);
  });

  test('SELF_SIGNED=1 makes a certificate for an IP address that nginx serves without HSTS', async () => {
    const env = { ...process.env, CERT_DIR: certDir, SELF_SIGNED: '1', DOMAIN: '127.0.0.1' };
    execFileSync(script, { env, stdio: 'pipe' });
    const cert = join(certDir, 'fullchain.pem');
    const text = openssl(dir, `x509 -in ${cert} -noout -text`);
    assert.match(text, /IP Address:127\.0\.0\.1/);
    assert.match(text, /CA:FALSE/, 'browsers let guests past a self-signed certificate only if it is no CA');

    const [httpPort, httpsPort] = (await freePorts(2)) as [number, number];
    const [closed] = await freePorts(1);
    nginx = await startLoopbackNginx(
      dir,
      { http: httpPort, https: httpsPort },
      { GATEWAY_UPSTREAM: `127.0.0.1:${closed}`, TLS_CERT: cert, TLS_KEY: join(certDir, 'privkey.pem'), HSTS: '' },
    );
    const reply = await call(`https://127.0.0.1:${httpsPort}/api/health`, { ca: readFileSync(cert, 'utf8') });
    assert.equal(reply.status, 503, 'the gateway is down: nginx says so in the API’s shape');
    assert.equal((JSON.parse(reply.body) as { statusCode: number }).statusCode, 503);
    assert.equal(reply.headers['retry-after'], '5');
    assert.equal(reply.headers['strict-transport-security'], undefined, 'no HSTS for a self-signed certificate');
  });

  test('--install takes a cloud console’s certificate only with its own key and name', () => {
    const other = join(dir, 'other');
    execFileSync(script, { env: { ...process.env, CERT_DIR: other, SELF_SIGNED: '1', DOMAIN: 'a.example' } });
    const env = { ...process.env, CERT_DIR: join(dir, 'installed'), DOMAIN: 'a.example' };
    const install = (cert: string, key: string) =>
      spawnSync(script, ['--install', cert, key], { env, encoding: 'utf8' });
    const mismatched = install(join(other, 'fullchain.pem'), join(certDir, 'privkey.pem'));
    assert.notEqual(mismatched.status, 0);
    assert.match(mismatched.stderr, /does not belong to this key/);
    const wrongName = install(join(certDir, 'fullchain.pem'), join(certDir, 'privkey.pem'));
    assert.match(wrongName.stderr, /does not cover a\.example/);
    const ok = install(join(other, 'fullchain.pem'), join(other, 'privkey.pem'));
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(
      readFileSync(join(dir, 'installed', 'fullchain.pem'), 'utf8'),
      readFileSync(join(other, 'fullchain.pem'), 'utf8'),
    );
  });
});
