import type { Text } from '../i18n/i18n.js';
import type { Localizer } from '../i18n/localizer.js';
import { h } from './dom.js';
import { closeIcon } from './icons.js';

export interface NoticeOptions {
  /** Disappears by itself after this long; notices that describe a lasting condition have none. */
  timeoutMs?: number;
  tone?: 'info' | 'warning';
}

/**
 * The notices area: one `data-testid="notice"` element per code (offline persona, voice input off, video
 * paused, microphone problems…). A new notice with the same code replaces the old one.
 */
export class Notices {
  readonly element: HTMLElement;
  private readonly items = new Map<string, { element: HTMLElement; timer: number }>();

  constructor(private readonly i18n: Localizer) {
    this.element = h('div', { class: 'notices', role: 'status', 'aria-live': 'polite' });
    i18n.attr(this.element, 'aria-label', { key: 'noticesLabel' });
  }

  show(code: string, text: Text, options: NoticeOptions = {}): void {
    this.clear(code);
    const dismiss = h('button', { type: 'button', class: 'notice-dismiss' }, [closeIcon()]);
    this.i18n.attr(dismiss, 'aria-label', { key: 'noticeDismiss' });
    dismiss.addEventListener('click', () => this.clear(code));
    const element = h(
      'div',
      { class: `notice notice-${options.tone ?? 'info'}`, 'data-testid': 'notice', 'data-code': code },
      [this.i18n.text(h('p', { class: 'notice-text' }), text), dismiss],
    );
    this.element.append(element);
    const timer = options.timeoutMs ? window.setTimeout(() => this.clear(code), options.timeoutMs) : 0;
    this.items.set(code, { element, timer });
  }

  clear(code: string): void {
    const item = this.items.get(code);
    if (!item) return;
    window.clearTimeout(item.timer);
    item.element.remove();
    this.items.delete(code);
  }

  has(code: string): boolean {
    return this.items.has(code);
  }
}
