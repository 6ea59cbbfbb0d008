// Scenario `one-guest` of `make bench`: our stack idle with nobody connected (RSS), then one guest typing
// TURNS turns in lockstep (overhead with its breakdown, RSS).
//
//   TURNS=50 node bench/dist/src/scenarios/one-guest.js
import { sleep } from '@dh/testing';
import type { OneGuestResult } from '../bench-result.js';
import { joinGuests, rssProbes, stackPids, withBenchStack } from '../bench-stack.js';
import { measureOurTurn } from '../our-speech.js';
import { ResourceSampler } from '../resource-sampler.js';
import { envNumber, progress, runScenario } from '../scenario-main.js';
import { summarizeTurns } from '../turn-summary.js';
import { guestsTalk, reportFailures } from '../typed-turn.js';

const TURNS = envNumber('TURNS', 50);
/** How long the stack is watched idle, nobody connected, for its RSS at 0 guests. */
const IDLE_MS = envNumber('IDLE_MS', 3_000);

runScenario(() =>
  withBenchStack({}, async (stack): Promise<OneGuestResult> => {
    progress('stack started');
    const sampler = new ResourceSampler(rssProbes(stackPids(stack)));
    sampler.phase('idle');
    await sleep(IDLE_MS);
    sampler.phase('guest');
    const guests = await joinGuests(stack, 1);
    progress('guest greeted');
    const talk = await guestsTalk(guests, TURNS, 0, (guest, turn) => measureOurTurn(stack, guest, turn, true), 1);
    reportFailures(talk);
    await sleep(1_000);
    sampler.stop();
    return {
      scenario: 'one-guest',
      idleRss: sampler.peak('idle'),
      rss: sampler.peak('guest'),
      text: summarizeTurns(talk.results, talk.failures.length),
    };
  }),
);
