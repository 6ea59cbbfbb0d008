import type { Room } from '@livekit/rtc-node';

/** IPv4 (20 bytes) and UDP (8) headers around every packet: what the server's uplink carries on top. */
const IP_UDP_HEADER_BYTES = 28;

interface Received {
  /** UDP payload bytes (SRTP, SRTCP, DTLS, STUN, SCTP) and packets on the guest's transports. */
  bytes: number;
  packets: number;
  /** Of which the avatar's audio RTP: Opus payload, and RTP headers with their extensions. */
  audioPayloadBytes: number;
  audioHeaderBytes: number;
}

/**
 * What a guest's connections have received from the server so far. Both lists: with LiveKit 1.13's single
 * peer connection everything arrives on the "publisher" one.
 */
async function receivedFromServer(room: Room): Promise<Received> {
  const stats = await room.getRtcStats();
  const received: Received = { bytes: 0, packets: 0, audioPayloadBytes: 0, audioHeaderBytes: 0 };
  for (const entry of [...stats.publisherStats, ...stats.subscriberStats]) {
    if (entry.stats.case === 'transport') {
      received.bytes += Number(entry.stats.value.transport?.bytesReceived ?? 0);
      received.packets += Number(entry.stats.value.transport?.packetsReceived ?? 0);
    } else if (entry.stats.case === 'inboundRtp' && entry.stats.value.stream?.kind === 'audio') {
      const inbound = entry.stats.value.inbound;
      received.audioPayloadBytes += Number(inbound?.bytesReceived ?? 0);
      received.audioHeaderBytes += Number(inbound?.headerBytesReceived ?? 0);
    }
  }
  return received;
}

export interface ReceiveRate {
  /** UDP payload, kbit/s. */
  payloadKbps: number;
  /** With IPv4 and UDP headers, kbit/s: what it costs the server's uplink. */
  wireKbps: number;
  /** The avatar's audio alone: Opus payload, and RTP headers, kbit/s. */
  audioPayloadKbps: number;
  audioHeaderKbps: number;
  packetsPerS: number;
}

/** What the guest receives from the server over the next `windowMs`. */
export async function receiveRate(room: Room, windowMs: number): Promise<ReceiveRate> {
  const before = await receivedFromServer(room);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const after = await receivedFromServer(room);
  const seconds = (performance.now() - started) / 1000;
  const kbps = (bytes: number) => (bytes * 8) / seconds / 1000;
  const packets = after.packets - before.packets;
  return {
    payloadKbps: kbps(after.bytes - before.bytes),
    wireKbps: kbps(after.bytes - before.bytes + packets * IP_UDP_HEADER_BYTES),
    audioPayloadKbps: kbps(after.audioPayloadBytes - before.audioPayloadBytes),
    audioHeaderKbps: kbps(after.audioHeaderBytes - before.audioHeaderBytes),
    packetsPerS: packets / seconds,
  };
}
