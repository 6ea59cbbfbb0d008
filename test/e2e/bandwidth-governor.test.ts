import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Streams } from '@dh/contracts';
import { RoomService } from '@dh/livekit';
import { type GuestClient, type SyntheticCamera, Stack, sleep, waitFor } from '@dh/testing';

// Three guests in one shared room, each sending 400 kbit/s of camera noise that LiveKit forwards to the other
// two: about 2.4 Mbit/s of SFU egress against a cap lowered to 1.5 Mbit/s.
const CAP_KBPS = 1_500;
const ROOM = 'family';

let stack: Stack;
let rooms: RoomService;

before(async () => {
  stack = await new Stack({
    serviceEnv: {
      gateway: { BANDWIDTH_CAP_KBPS: String(CAP_KBPS), GOVERNOR_INTERVAL_MS: '1000', GOVERNOR_HOLD_MS: '6000' },
    },
  }).start();
  rooms = new RoomService(stack.livekit.url, stack.livekit);
});

after(async () => {
  await stack.stop();
});

async function gatewayMetric(name: string): Promise<number | undefined> {
  const line = (await stack.metrics('gateway'))
    .split('\n')
    .find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

/**
 * LiveKit's own outgoing media, bits per second, between the first and the last step of its counter within
 * `ms` (LiveKit moves `livekit_packet_bytes` every few seconds, not continuously).
 */
async function sfuEgressBps(ms: number): Promise<number> {
  const bytes = async () =>
    (await (await fetch(stack.livekit.metricsUrl)).text())
      .split('\n')
      .filter((l) => l.startsWith('livekit_packet_bytes{') && l.includes('direction="outgoing"'))
      .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
  const steps: { at: number; bytes: number }[] = [];
  for (const end = Date.now() + ms; Date.now() < end; await sleep(250)) {
    const now = await bytes();
    if (steps.at(-1)?.bytes !== now) steps.push({ at: Date.now(), bytes: now });
  }
  assert.ok(steps.length >= 3, `the counter moved ${steps.length - 1} times in ${ms} ms`);
  const [first, last] = [steps[1]!, steps.at(-1)!]; // steps[0] is wherever the counter stood at the start
  return ((last.bytes - first.bytes) * 8 * 1000) / (last.at - first.at);
}

async function notices(): Promise<string[]> {
  const entries = await stack.ns.redis.xrange(stack.ns.key(Streams.notices), '-', '+');
  return entries.map(([, fields]) => (JSON.parse(fields[1]!) as { code: string }).code);
}

const cameraMuted = async (guest: GuestClient, camera: SyntheticCamera) =>
  (await rooms.getParticipant(guest.join.room, guest.join.identity))?.tracks.find((t) => t.sid === camera.trackSid)
    ?.muted;

async function join(): Promise<Response> {
  return fetch(`${stack.gatewayUrl}/api/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: '迟到的人', room: ROOM }),
  });
}

test('guest cameras that would break the cap are paused, new guests wait, and video comes back when guests leave', async () => {
  const guests = [await stack.guest('爸爸', ROOM), await stack.guest('妈妈', ROOM), await stack.guest('小宝', ROOM)];
  const cameras = await Promise.all(guests.map((g) => g.publishCamera({ maxBitrate: 400_000 })));

  await waitFor('the governor to pause video', async () => (await gatewayMetric('dh_governor_level')) === 2, 40_000);
  await waitFor(
    'every camera muted',
    async () => {
      const muted = await Promise.all(guests.map((g, i) => cameraMuted(g, cameras[i]!)));
      return muted.every(Boolean);
    },
    10_000,
  );
  const settled = await sfuEgressBps(16_000);
  assert.ok(
    settled < CAP_KBPS * 1000 * 0.85,
    `egress settled at ${Math.round(settled / 1000)} kbit/s, under 85 % of the cap`,
  );
  assert.ok((await notices()).includes('video_paused'), 'the guests’ pages are told why');
  assert.ok(((await gatewayMetric('dh_sfu_egress_bits_per_second')) ?? -1) >= 0);

  const refused = await join();
  assert.equal(refused.status, 503);
  const body = (await refused.json()) as { message: string };
  assert.match(body.message, /带宽/);
  assert.ok(refused.headers.get('retry-after'));
  assert.equal(refused.headers.get('x-unavailable-reason'), 'bandwidth', 'the page can say why');

  // The gateway dies while video is paused: the one that starts knows which cameras it muted.
  await stack.services.gateway.kill('SIGKILL');
  await stack.services.gateway.start();
  // With every camera muted egress is low: level 2 can only come from what the governor found in Redis.
  await waitFor('still paused after the restart', async () => (await gatewayMetric('dh_governor_level')) === 2, 10_000);

  // Two leave: the last camera has nobody to go to, so it costs nothing and may come back.
  await guests[1]!.disconnect();
  await guests[2]!.disconnect();
  await waitFor('video to resume', async () => ((await gatewayMetric('dh_governor_level')) ?? 2) < 2, 40_000);
  await waitFor('the camera unmuted', async () => (await cameraMuted(guests[0]!, cameras[0]!)) === false, 10_000);
  // Written after the cameras are unmuted: it may come a moment later.
  await waitFor('the video_resumed notice', async () => (await notices()).includes('video_resumed'), 10_000);
  const admitted = await join();
  assert.equal(admitted.status, 200, await admitted.text());
});
