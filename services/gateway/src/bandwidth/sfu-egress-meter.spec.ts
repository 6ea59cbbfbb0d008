import assert from 'node:assert/strict';
import { test } from 'node:test';
import { outgoingPacketBytes } from './sfu-egress-meter.js';

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
