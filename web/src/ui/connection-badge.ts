import type { MessageKey } from '../i18n/messages.js';
import type { Localizer } from '../i18n/localizer.js';
import type { ConnectionPhase } from '../room/connection-phase.js';
import { h } from './dom.js';

const LABELS: Record<ConnectionPhase, MessageKey> = {
  connecting: 'connConnecting',
  connected: 'connConnected',
  reconnecting: 'connReconnecting',
  disconnected: 'connDisconnected',
};

/** `connection-state` with `data-state` connecting|connected|reconnecting|disconnected. */
export class ConnectionBadge {
  readonly element: HTMLElement;
  private readonly label: HTMLElement;

  constructor(private readonly i18n: Localizer) {
    this.label = h('span', { class: 'conn-label' });
    this.element = h('div', { class: 'conn', 'data-testid': 'connection-state', role: 'status' }, [
      h('span', { class: 'conn-dot', 'aria-hidden': 'true' }),
      this.label,
    ]);
    this.set('connecting', false);
  }

  /** `textOnly`: connected through the /ws text fallback, which the label says. */
  set(phase: ConnectionPhase, textOnly: boolean): void {
    this.element.dataset.state = phase;
    this.element.dataset.textOnly = String(textOnly);
    this.i18n.text(this.label, { key: textOnly && phase === 'connected' ? 'connTextOnly' : LABELS[phase] });
  }
}
