// Scenario `capacity` of `make bench`: the most guests this machine serves with text overhead p95 under
// 150 ms. Guests join in steps (STEPS, default 10, 20, 40, 80, 160, each adding to the last); at each step
// every guest takes TURNS turns with a random pause of up to THINK_MS before each. The ramp stops at the
// first step over the limit, when a join fails, or when the next step would not fit in BUDGET_S. The guests'
// own clients run on the same machine and take their share of its cores.
//
//   STEPS=10,20,40 TURNS=3 BUDGET_S=180 node bench/dist/src/scenarios/capacity.js
import type { GuestClient, Stack } from '@dh/testing';
import type { CapacityResult, CapacityStep } from '../bench-result.js';
import { joinGuests, withBenchStack } from '../bench-stack.js';
import { measureOurTurn } from '../our-speech.js';
import { envNumber, progress, runScenario } from '../scenario-main.js';
import { spread } from '../stats.js';
import { guestsTalk } from '../typed-turn.js';

const STEPS = (process.env.STEPS || '10,20,40,80,160').split(',').map(Number);
const TURNS = envNumber('TURNS', 3);
const THINK_MS = envNumber('THINK_MS', 3_000);
const BUDGET_S = envNumber('BUDGET_S', 180);
const P95_LIMIT_MS = 150;

/** `work`, or a rejection once `deadline` has passed (the work is abandoned; the stack's stop ends it). */
function before<T>(deadline: number, work: Promise<T>): Promise<T> {
  work.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('time bound')), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

async function ramp(stack: Stack): Promise<CapacityResult> {
  const deadline = Date.now() + BUDGET_S * 1_000;
  const guests: GuestClient[] = [];
  const steps: CapacityStep[] = [];
  let stoppedBy = 'last step passed';
  for (const target of STEPS) {
    const stepStarted = Date.now();
    const last = steps.at(-1);
    // Twice the guests take about twice as long to join and to serve.
    if (last && stepStarted + last.seconds * 2_000 > deadline) {
      stoppedBy = `time bound (${BUDGET_S} s)`;
      break;
    }
    let failure: string | undefined;
    let overheads: number[] = [];
    try {
      guests.push(...(await before(deadline, joinGuests(stack, target - guests.length, guests.length + 1))));
      progress(`${guests.length} guests greeted`);
      // The first step's guests warm the fresh stack up with a turn each, not counted.
      const talk = await before(
        deadline,
        guestsTalk(guests, TURNS, THINK_MS, (guest, turn) => measureOurTurn(stack, guest, turn), last ? 0 : 1),
      );
      overheads = talk.results.map((t) => t.overheadMs);
      if (talk.failures.length > 0) failure = `${talk.failures.length} turns unanswered: ${talk.failures[0]}`;
    } catch (error) {
      failure = (error as Error).message;
    }
    const overheadMs = overheads.length > 0 ? spread(overheads) : null;
    if (!failure && overheadMs && overheadMs.p95 >= P95_LIMIT_MS)
      failure = `p95 ${overheadMs.p95} ms ≥ ${P95_LIMIT_MS} ms`;
    const seconds = (Date.now() - stepStarted) / 1_000;
    steps.push({
      guests: target,
      turns: overheads.length,
      overheadMs,
      passed: !failure,
      ...(failure ? { failure } : {}),
      seconds,
    });
    progress(`step ${target}: ${failure ?? `p95 ${overheadMs?.p95} ms`} (${seconds.toFixed(0)} s)`);
    if (failure) {
      stoppedBy = failure;
      break;
    }
  }
  const served = Math.max(0, ...steps.filter((s) => s.passed).map((s) => s.guests));
  return { scenario: 'capacity', steps, served, stoppedBy };
}

runScenario(() => withBenchStack({}, ramp));
