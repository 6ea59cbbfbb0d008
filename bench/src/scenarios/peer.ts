// Scenario `peer` of `make bench` (issue #7): a LiveKit Agents for Node worker (bench/peer/agent.mjs) on a real
// LiveKit server, its LLM on the same fake DeepSeek with the same answers as ours (fake-answers.ts) and its TTS
// on a fake OpenAI `/audio/speech` speaking espeak-ng (peer-speech.ts). Each guest is the same GuestClient our
// scenarios use, in a room of its own that the worker is dispatched to, and takes the same typed turns. Per
// turn: message sent -> first voiced frame at the guest, minus the synthesis time of the turn's TTS request.
// Memory: VmRSS of the worker and every process below it (job processes, idle ones, the inference process),
// and of its LiveKit, sampled like ours.
//
//   npm ci --prefix bench/peer   # once: @livekit/agents is not part of the product's workspaces
//   GUESTS=1 TURNS=50 node bench/dist/src/scenarios/peer.js
//   GUESTS=10 TURNS=5 THINK_MS=3000 node bench/dist/src/scenarios/peer.js
import { signAccessToken } from '@dh/livekit';
import { dispose } from '@livekit/rtc-node';
import { FakeDeepSeek, GuestClient, type RunningLiveKit, sleep, startLiveKit, waitFor } from '@dh/testing';
import type { PeerResult } from '../bench-result.js';
import { benchLlmReply } from '../fake-answers.js';
import { EspeakSpeech } from '../peer-speech.js';
import { PeerWorker, agentsVersion, peerInstalled } from '../peer-worker.js';
import { rssMb } from '../process-memory.js';
import { treeMemory } from '../process-tree.js';
import { ResourceSampler } from '../resource-sampler.js';
import { envNumber, progress, runScenario } from '../scenario-main.js';
import { type MeasuredTurn, summarizeTurns } from '../turn-summary.js';
import { type HeardTurn, guestsTalk, reportFailures } from '../typed-turn.js';

const GUESTS = envNumber('GUESTS', 1);
const TURNS = envNumber('TURNS', 50);
const THINK_MS = envNumber('THINK_MS', 0);
const IDLE_PROCESSES = envNumber('PEER_IDLE_PROCESSES', 1);
/** How long the stack is watched idle, nobody connected, for its RSS at 0 guests. */
const IDLE_MS = envNumber('IDLE_MS', 3_000);

/** A guest in a room of its own, which the worker (no agent name: dispatched to every room) joins. */
async function connectGuest(liveKit: RunningLiveKit, n: number): Promise<GuestClient> {
  const room = `peer-bench-${n}-${Math.random().toString(36).slice(2, 8)}`;
  const identity = `guest-${n}`;
  const token = await signAccessToken(
    { apiKey: liveKit.apiKey, apiSecret: liveKit.apiSecret },
    {
      identity,
      name: `客人${n}`,
      ttlS: 3_600,
      video: { room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true },
    },
  );
  const guest = new GuestClient({ url: liveKit.url, token, room, identity });
  await guest.connect();
  return guest;
}

/** Ready: the agent is in the room, listening, and its audio track is published (subscribed automatically). */
async function agentReady(guest: GuestClient): Promise<void> {
  // With one warm process, the jobs start one after another: allow for ten in a row.
  await guest.waitForAvatar(90_000);
  await waitFor('the agent to listen', () => guest.avatarState === 'listening', 30_000);
  await waitFor('the agent audio track', () => (guest.avatar?.trackPublications.size ?? 0) > 0, 30_000);
}

runScenario(async (): Promise<PeerResult> => {
  if (!peerInstalled()) throw new Error('the peer is not installed: run `npm ci --prefix bench/peer` first');
  const liveKit = await startLiveKit({ logLevel: 'warn' });
  const deepseek = await new FakeDeepSeek().start();
  const speech = await new EspeakSpeech().start();
  deepseek.setDefault(benchLlmReply);
  const worker = new PeerWorker();
  const guests: GuestClient[] = [];
  const sampler = new ResourceSampler({
    tree: () => treeMemory(worker.pid).totalMb,
    livekit: () => rssMb(liveKit.process.pid),
  });
  try {
    await worker.start({ liveKit, llmUrl: deepseek.url, ttsUrl: speech.url, idleProcesses: IDLE_PROCESSES });
    progress('worker ready');
    sampler.phase('idle');
    await sleep(IDLE_MS);

    sampler.phase('guests');
    for (let i = 1; i <= GUESTS; i += 1) guests.push(await connectGuest(liveKit, i));
    await Promise.all(guests.map(agentReady));
    progress(`${GUESTS} conversations ready`);
    // The turn's synthesis: the earliest request after the message naming its code.
    const measure = async (_guest: GuestClient, turn: HeardTurn): Promise<MeasuredTurn> => {
      const synthesis = await waitFor(
        'the turn synthesis',
        () =>
          speech.syntheses
            .filter((s) => s.at >= turn.sentAt && s.input.includes(turn.code))
            .sort((a, b) => a.at - b.at)[0],
        10_000,
      );
      const voicedMs = turn.voicedAt - turn.sentAt;
      return { voicedMs, synthMs: synthesis.synthMs, overheadMs: voicedMs - synthesis.synthMs };
    };
    const talk = await guestsTalk(guests, TURNS, THINK_MS, measure, 1); // one warm-up turn, as ours
    reportFailures(talk);
    await sleep(1_000);
    sampler.stop();
    return {
      scenario: 'peer',
      guests: GUESTS,
      agentsVersion: agentsVersion(),
      text: summarizeTurns(talk.results, talk.failures.length),
      idleRss: sampler.peak('idle'),
      rss: sampler.peak('guests'),
      processes: treeMemory(worker.pid).countByRole,
    };
  } catch (error) {
    console.error(`peer worker output (last lines):\n${worker.lastLines}`);
    throw error;
  } finally {
    sampler.stop();
    await worker.stop();
    for (const guest of guests) await guest.disconnect();
    await speech.stop();
    await deepseek.stop();
    // The agents were killed, not gone: a graceful LiveKit would wait out their rooms (5 s) for nothing.
    liveKit.process.kill('SIGKILL');
    await liveKit.stop();
    // rtc-node's native side keeps the process alive until disposed (as Stack.stop does); guests are gone.
    await dispose();
  }
});
