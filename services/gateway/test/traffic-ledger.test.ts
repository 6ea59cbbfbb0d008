import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '@dh/config';
import { Keys } from '@dh/contracts';
import { ServiceMetrics, createLogger } from '@dh/observability';
import { KeyPrefix } from '@dh/streams';
import { RedisNamespace } from '@dh/testing';
import { gatewayConfigSpec } from '../src/gateway.config.js';
import { TrafficMeter } from '../src/traffic/traffic-meter.service.js';

// The traffic ledger against a real Redis, fed from a /proc/net/dev file the test writes, with its own clock.
const ns = new RedisNamespace();
const dir = mkdtempSync(join(tmpdir(), 'dh-netdev-'));
const netDev = join(dir, 'dev');
const GB = 1024 ** 3;

after(async () => {
  await ns.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function writeCounters(tx: Record<string, number>): void {
  const lines = Object.entries(tx).map(
    ([name, bytes]) => `${name.padStart(6)}: 1000 10 0 0 0 0 0 0 ${bytes} 10 0 0 0 0 0 0`,
  );
  writeFileSync(netDev, ['Inter-| Receive | Transmit', ' face |bytes packets|bytes packets', ...lines].join('\n'));
}

const config = loadConfig(gatewayConfigSpec, {
  TRAFFIC_NET_DEV_PATH: netDev,
  MONTHLY_TRAFFIC_GB: '300',
  BANDWIDTH_CAP_KBPS: '4000',
  BUDGET_TIME_ZONE: 'Asia/Shanghai',
});

let clock = Date.parse('2026-11-10T04:00:00Z');

/** A gateway's meter as it starts: fresh memory, the shared Redis ledger. */
function startMeter() {
  const metrics = new ServiceMetrics('gateway');
  const meter = new TrafficMeter(
    config,
    ns.redis,
    new KeyPrefix(ns.prefix),
    metrics,
    createLogger('gateway', 'silent'),
    () => clock,
  );
  const value = async (name: string) => {
    const line = (await metrics.registry.metrics())
      .split('\n')
      .find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.split(' ').at(-1));
  };
  return { meter, value };
}

const monthBytes = async (period: string) => Number(await ns.redis.get(ns.key(Keys.trafficPeriod(period))));

test('egress is counted once per byte across a restart, a reboot and a month boundary', async () => {
  writeCounters({ lo: 9_000_000, eth0: 5_000_000, docker0: 7_000 });
  let gateway = startMeter();
  await gateway.meter.sample();
  assert.equal(
    await gateway.value('dh_traffic_month_bytes'),
    0,
    'bytes sent before the ledger watched are not counted',
  );
  assert.equal(await gateway.value('dh_traffic_budget_bytes'), 300 * GB);
  assert.equal(await gateway.value('dh_bandwidth_cap_bits_per_second'), 4_000_000);

  clock += 2_000;
  writeCounters({ lo: 9_900_000, eth0: 5_100_000, docker0: 9_000 });
  await gateway.meter.sample();
  assert.equal(await gateway.value('dh_traffic_month_bytes'), 100_000, 'only the billed interface');
  assert.equal(await gateway.value('dh_egress_bits_per_second'), 400_000, '100 kB in 2 s');
  assert.equal(gateway.meter.egressBps, 400_000);

  // The gateway restarts; 50 kB went out while it was down.
  clock += 60_000;
  writeCounters({ lo: 9_900_000, eth0: 5_150_000 });
  gateway = startMeter();
  await gateway.meter.sample();
  assert.equal(await gateway.value('dh_traffic_month_bytes'), 150_000, 'the bytes sent while it was down count');
  assert.equal(gateway.meter.egressBps, 0, 'no rate from a single reading');

  // The host reboots: the counter starts again from zero and has reached 20 kB.
  clock += 120_000;
  writeCounters({ eth0: 20_000 });
  await gateway.meter.sample();
  assert.equal(await gateway.value('dh_traffic_month_bytes'), 170_000);
  assert.equal(await monthBytes('2026-11-01'), 170_000);

  // Midnight on 1 December in Shanghai (16:00 UTC on 30 November): a new month, from zero.
  clock = Date.parse('2026-11-30T16:00:05Z');
  writeCounters({ eth0: 23_000 });
  await gateway.meter.sample();
  assert.equal(await gateway.value('dh_traffic_month_bytes'), 3_000);
  assert.equal(await monthBytes('2026-12-01'), 3_000);
  assert.equal(await monthBytes('2026-11-01'), 170_000, 'November keeps its total');
  assert.equal(
    await gateway.value('dh_traffic_period_end_timestamp_seconds'),
    Date.parse('2026-12-31T16:00:00Z') / 1000,
  );
  assert.ok((await gateway.value('dh_traffic_exhaustion_timestamp_seconds'))! > clock / 1000);
  assert.ok((await gateway.value('dh_traffic_projected_month_bytes'))! >= 3_000);
  assert.ok((await ns.redis.ttl(ns.key(Keys.trafficPeriod('2026-12-01')))) > 0, 'the period key expires');
});

test('two gateways sampling the same counters at once count them once', async () => {
  const a = startMeter();
  const b = startMeter();
  writeCounters({ eth0: 1_000_000 });
  await Promise.all([a.meter.sample(), b.meter.sample()]);
  const before = await monthBytes('2026-12-01');
  clock += 2_000;
  writeCounters({ eth0: 1_400_000 });
  await Promise.all([a.meter.sample(), b.meter.sample()]);
  assert.equal((await monthBytes('2026-12-01')) - before, 400_000);
});

test('an unreadable counters file is survived, and the next reading counts what was sent meanwhile', async () => {
  const gateway = startMeter();
  writeCounters({ eth0: 2_000_000 });
  await gateway.meter.sample();
  const before = await monthBytes('2026-12-01');
  rmSync(netDev);
  clock += 2_000;
  await gateway.meter.sample(); // logged, not thrown
  assert.equal(await monthBytes('2026-12-01'), before);
  writeCounters({ eth0: 2_250_000 });
  clock += 2_000;
  await gateway.meter.sample();
  assert.equal((await monthBytes('2026-12-01')) - before, 250_000);
});
