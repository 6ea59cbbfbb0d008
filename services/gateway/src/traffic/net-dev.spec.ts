import assert from 'node:assert/strict';
import { test } from 'node:test';
import { billedInterfaces, parseNetDev } from './net-dev.js';

const SAMPLE = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 1296123    9876    0    0    0     0          0         0  1296123    9876    0    0    0     0       0          0
  eth0: 987654321  123456    0    0    0     0          0         0 123456789012 654321    0    0    0     0       0          0
docker0:   5000      50    0    0    0     0          0         0    7000      70    0    0    0     0       0          0
veth1a2b3c:   100       1    0    0    0     0          0         0     200       2    0    0    0     0       0          0
  wlan0: garbled line
`;

test('reads received and sent bytes per interface, skipping headers and garbled lines', () => {
  const counters = parseNetDev(SAMPLE);
  assert.deepEqual(counters.get('eth0'), { rxBytes: 987_654_321, txBytes: 123_456_789_012 });
  assert.deepEqual(counters.get('lo'), { rxBytes: 1_296_123, txBytes: 1_296_123 });
  assert.equal(counters.get('docker0')?.txBytes, 7000, 'a name glued to its colon is still read');
  assert.equal(counters.has('wlan0'), false);
  assert.equal(counters.size, 4);
});

test('billed interfaces: all but loopback and container links, or exactly the configured ones', () => {
  const names = [...parseNetDev(SAMPLE).keys()];
  assert.deepEqual(billedInterfaces(names, []), ['eth0']);
  assert.deepEqual(billedInterfaces(names, ['lo', 'ens5']), ['lo'], 'configured names that exist, even lo');
});
