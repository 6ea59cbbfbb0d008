import type { LocalParticipant } from '@livekit/rtc-node';
import { AGENT_STATE_ATTRIBUTE, type AgentState } from '@dh/contracts';

/**
 * Keeps the avatar's `lk.agent.state` attribute current. Changes are sent in order, one at a time, and none
 * is skipped: a frontend that animates `speaking` must see it even when it lasted less than a round trip.
 */
export class AgentStateReporter {
  private current: AgentState = 'initializing';
  private lastQueued: AgentState | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly participant: () => LocalParticipant | undefined) {}

  get state(): AgentState {
    return this.current;
  }

  set(state: AgentState): void {
    this.current = state;
    if (state === this.lastQueued) return;
    this.lastQueued = state;
    this.chain = this.chain.then(() => this.send(state));
  }

  /** After a (re)connection the server has the state from the token; send ours again. */
  reset(): void {
    this.lastQueued = undefined;
    this.set(this.current);
  }

  private async send(state: AgentState): Promise<void> {
    try {
      await this.participant()?.setAttributes({ [AGENT_STATE_ATTRIBUTE]: state });
    } catch {
      // The room is going away; the next connection starts from `initializing` and gets a reset().
    }
  }
}
