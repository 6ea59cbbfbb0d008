import type { MessageKey } from '../i18n/messages.js';
import type { Localizer } from '../i18n/localizer.js';
import { h, show, uid } from './dom.js';
import { micIcon, micOffIcon } from './icons.js';

/**
 * The microphone toggle (`aria-pressed`). When voice cannot be used it is disabled and a visible hint,
 * also its description, says why.
 */
export class MicToggle {
  readonly button: HTMLButtonElement;
  readonly hint: HTMLElement;
  private readonly on = micIcon();
  private readonly off = micOffIcon();

  constructor(
    private readonly i18n: Localizer,
    onToggle: () => void,
  ) {
    const hintId = uid('mic-hint');
    this.button = h(
      'button',
      {
        type: 'button',
        class: 'mic-toggle',
        'data-testid': 'mic-toggle',
        'aria-pressed': 'false',
        'aria-describedby': hintId,
      },
      [this.off, this.on, i18n.text(h('span', { class: 'visually-hidden' }), { key: 'micLabel' })],
    );
    this.hint = h('p', { id: hintId, class: 'mic-hint' });
    this.button.addEventListener('click', onToggle);
    this.set(false, 'micHintWaiting');
  }

  /** `reason` null: usable; otherwise disabled with that explanation. */
  set(pressed: boolean, reason: MessageKey | null): void {
    this.button.setAttribute('aria-pressed', String(pressed));
    this.button.disabled = reason !== null;
    this.on.style.display = pressed ? '' : 'none';
    this.off.style.display = pressed ? 'none' : '';
    if (reason) this.i18n.text(this.hint, { key: reason });
    else this.hint.textContent = '';
    show(this.hint, reason !== null);
    this.i18n.attr(this.button, 'title', { key: reason ?? 'micLabel' });
  }
}
