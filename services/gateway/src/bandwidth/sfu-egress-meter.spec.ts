import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SfuEgressMeter, outgoingPacketBytes } from './sfu-egress-meter.js';

test('sums the outgoing packet bytes of every label set, ignoring incoming and other metrics', () => {
  const text = [
    '# HELP livekit_packet_bytes packet bytes',
    '# TYPE livekit_packet_bytes counter',
    'livekit_packet_bytes{direction="incoming",node_id="n",transmission="rtp"} 5000',
    'livekit_packet_bytes{direction="outgoing",node_id="n",transmission="rtp"} 1.2e+06',
    'livekit_packet_bytes{direction="outgoing",node_id="n",transmission="rtx"} 3000',
    'livekit_packet_total{direction="outgoing"} 77',
  ].join('\n');
  assert.equal(outgoingPacketBytes(text), 1_203_000);
  assert.equal(outgoingPacketBytes('go_goroutines 12\n'), undefined);
});

test('the rate is taken over the window, so counters that move in 5 s steps read steady', () => {
  const meter = new SfuEgressMeter('http://unused');
  // 2 Mbit/s, but the counter only moves every 5 s (by 1.25 MB).
  const counter = (t: number) => Math.floor(t / 5_000) * 1_250_000;
  const rates: number[] = [];
  for (let t = 0; t <= 30_000; t += 1_000) {
    const rate = meter.add(t, counter(t));
    if (rate !== undefined) rates.push(rate);
  }
  assert.ok(rates.length > 20);
  for (const rate of rates) assert.ok(rate > 1.6e6 && rate < 2.4e6, `${rate}`);
});

test('a counter that stops moving reads as nothing sent', () => {
  const meter = new SfuEgressMeter('http://unused');
  for (let t = 0; t <= 10_000; t += 1_000) meter.add(t, Math.floor(t / 5_000) * 1_250_000);
  assert.ok(meter.add(11_000, 2_500_000)! > 0);
  assert.equal(meter.add(18_000, 2_500_000), 0, '8 s without a step');
});

test('a counter that goes down (LiveKit restarted) starts the window again', () => {
  const meter = new SfuEgressMeter('http://unused');
  meter.add(0, 1_000_000);
  assert.ok(meter.add(4_000, 2_000_000)! > 0);
  assert.equal(meter.add(5_000, 10_000), undefined);
  assert.equal(meter.add(9_000, 510_000), 1_000_000);
});
