import type { ScenarioSpec } from './scenario-runner.js';

/**
 * What `make bench` runs, in order. QUICK=1 shrinks the counts, watches the idle stacks for 1.5 s instead of 3,
 * and leaves out the ramp and the 10-conversation peer (the 10-guest typing phase stands for the ramp's first step).
 */
export function benchPlan(quick: boolean, withPeer: boolean): ScenarioSpec[] {
  const idle: Record<string, string> = quick ? { IDLE_MS: '1500' } : {};
  const think = { THINK_MS: '3000' };
  const plan: ScenarioSpec[] = [
    { id: 'one-guest', script: 'one-guest', env: { TURNS: quick ? '12' : '50', ...idle }, timeoutS: 240 },
    {
      id: 'ten-guests',
      script: 'ten-guests',
      env: quick
        ? { GUESTS: '10', TURNS: '2', ROUNDS: '1', BARGE_INS: '3', ...think, ...idle }
        : { GUESTS: '10', TURNS: '5', ROUNDS: '3', BARGE_INS: '10', ...think },
      timeoutS: 240,
    },
  ];
  if (!quick)
    plan.push({
      id: 'capacity',
      script: 'capacity',
      env: { STEPS: '10,20,40,80,160', TURNS: '3', BUDGET_S: '180', ...think },
      timeoutS: 260,
    });
  if (withPeer) {
    plan.push({
      id: 'peer-1',
      script: 'peer',
      env: { GUESTS: '1', TURNS: quick ? '12' : '50', ...idle },
      timeoutS: 240,
    });
    if (!quick)
      plan.push({ id: 'peer-10', script: 'peer', env: { GUESTS: '10', TURNS: '5', ...think }, timeoutS: 240 });
  }
  return plan;
}
