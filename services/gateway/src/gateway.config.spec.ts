import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '@dh/config';
import { gatewayConfigSpec } from './gateway.config.js';

const load = (env: Record<string, string>) => loadConfig(gatewayConfigSpec, env);

test('defaults: open door, 10 guests, 20 joins a minute, browsers get LIVEKIT_URL', () => {
  const config = load({ LIVEKIT_URL: 'ws://10.0.0.5:7880' });
  assert.equal(config.PUBLIC_PORT, 8080);
  assert.equal(config.PUBLIC_HOST, '0.0.0.0');
  assert.equal(config.GUEST_PASSCODE, '');
  assert.equal(config.MAX_GUESTS, 10);
  assert.equal(config.JOIN_RATE_LIMIT, 20);
  assert.equal(config.JOIN_RATE_WINDOW_S, 60);
  assert.equal(config.TOKEN_TTL_S, 600);
  assert.equal(config.JOIN_RESERVATION_S, 30);
  assert.equal(config.TRUST_PROXY, 'loopback');
  assert.equal(config.LIVEKIT_PUBLIC_URL, 'ws://10.0.0.5:7880');
  assert.equal(config.BANDWIDTH_CAP_KBPS, 4000);
  assert.equal(config.MONTHLY_TRAFFIC_GB, 300);
  assert.equal(config.METRICS_PORT, 9461);
  assert.equal(load({ LIVEKIT_PUBLIC_URL: 'wss://example.com/' }).LIVEKIT_PUBLIC_URL, 'wss://example.com');
});

test('TRUST_PROXY takes what Express takes and refuses the rest', () => {
  assert.equal(load({ TRUST_PROXY: 'true' }).TRUST_PROXY, true);
  assert.equal(load({ TRUST_PROXY: 'false' }).TRUST_PROXY, false);
  assert.equal(load({ TRUST_PROXY: '2' }).TRUST_PROXY, 2);
  assert.equal(
    load({ TRUST_PROXY: 'loopback, 172.16.0.0/12,fd00::/8' }).TRUST_PROXY,
    'loopback,172.16.0.0/12,fd00::/8',
  );
  for (const bad of ['nginx', '10.0.0.0/33', '1.2.3', 'loopback;x'])
    assert.throws(
      () => load({ TRUST_PROXY: bad }),
      (e: unknown) => e instanceof ConfigError && e.variable === 'TRUST_PROXY',
    );
});

test('out-of-range numbers name their variable', () => {
  for (const [name, value] of [
    ['MAX_GUESTS', 'abc'],
    ['MAX_GUESTS', '1001'],
    ['JOIN_RATE_LIMIT', '0'],
    ['PUBLIC_PORT', '70000'],
    ['LIVEKIT_PUBLIC_URL', 'ftp://x'],
  ] as const)
    assert.throws(
      () => load({ [name]: value }),
      (e: unknown) => e instanceof ConfigError && e.variable === name,
    );
});
