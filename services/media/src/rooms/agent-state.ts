import type { LocalParticipant } from '@livekit/rtc-node';
import { AGENT_STATE_ATTRIBUTE, type AgentState } from '@dh/contracts';

/**
 * Keeps the avatar's `lk.agent.state` attribute current. Updates are sent one at a time and coalesced: only
 * the latest state matters, and a burst of changes costs one or two signalling messages.
 */
export class AgentStateReporter {
  private desired: AgentState = 'initializing';
  private sent: AgentState | undefined;
  private sending = false;

  constructor(private readonly participant: () => LocalParticipant | undefined) {}

  get state(): AgentState {
    return this.desired;
  }

  set(state: AgentState): void {
    this.desired = state;
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.sent !== this.desired) {
        const participant = this.participant();
        if (!participant) return;
        const next = this.desired;
        await participant.setAttributes({ [AGENT_STATE_ATTRIBUTE]: next });
        this.sent = next;
      }
    } catch {
      // The room is going away; the next connection starts from `initializing` again.
    } finally {
      this.sending = false;
    }
  }

  /** After a reconnect the server has the state from the token; send ours again. */
  reset(): void {
    this.sent = undefined;
    void this.flush();
  }
}
