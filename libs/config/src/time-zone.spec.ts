import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from './config-error.js';
import { list, optionalUrl, timeZone } from './env-spec.js';

describe('timeZone config variable', () => {
  const spec = timeZone({ default: 'Asia/Shanghai' });

  test('unset or empty: the default', () => {
    assert.equal(spec.read('BUDGET_TIME_ZONE', {}), 'Asia/Shanghai');
    assert.equal(spec.read('BUDGET_TIME_ZONE', { BUDGET_TIME_ZONE: '  ' }), 'Asia/Shanghai');
  });

  test('a known zone, trimmed', () => {
    assert.equal(spec.read('BUDGET_TIME_ZONE', { BUDGET_TIME_ZONE: ' Europe/Berlin ' }), 'Europe/Berlin');
    assert.equal(spec.read('BUDGET_TIME_ZONE', { BUDGET_TIME_ZONE: 'UTC' }), 'UTC');
  });

  test('an unknown zone names the variable', () => {
    assert.throws(
      () => spec.read('BUDGET_TIME_ZONE', { BUDGET_TIME_ZONE: 'Beijing' }),
      (error: unknown) => error instanceof ConfigError && /^BUDGET_TIME_ZONE .*"Beijing"/.test(error.message),
    );
  });
});

describe('list and optionalUrl config variables', () => {
  test('a comma-separated list, trimmed, each entry checked', () => {
    const spec = list({ pattern: /^[a-z0-9]+$/, hint: 'interface names' });
    assert.deepEqual(spec.read('TRAFFIC_INTERFACES', {}), []);
    assert.deepEqual(spec.read('TRAFFIC_INTERFACES', { TRAFFIC_INTERFACES: ' eth0, ens5 ,' }), ['eth0', 'ens5']);
    assert.throws(() => spec.read('TRAFFIC_INTERFACES', { TRAFFIC_INTERFACES: 'eth0,bad name' }), /"bad name"/);
  });

  test('an optional URL: unset is undefined, a bad one names the variable', () => {
    const spec = optionalUrl({ protocols: ['http', 'https'] });
    assert.equal(spec.read('LIVEKIT_METRICS_URL', {}), undefined);
    assert.equal(
      spec.read('LIVEKIT_METRICS_URL', { LIVEKIT_METRICS_URL: 'http://livekit:6789/metrics' }),
      'http://livekit:6789/metrics',
    );
    assert.throws(() => spec.read('LIVEKIT_METRICS_URL', { LIVEKIT_METRICS_URL: 'ftp://x' }), /LIVEKIT_METRICS_URL/);
  });
});
