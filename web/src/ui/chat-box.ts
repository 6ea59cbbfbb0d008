import type { Localizer } from '../i18n/localizer.js';
import { charCount } from '../join/join-input.js';
import { h, uid } from './dom.js';
import { sendIcon } from './icons.js';

export interface ChatBoxOptions {
  i18n: Localizer;
  maxChars: number;
  /** Sends the text; resolves false when it did not go out (the text stays in the box). */
  send(text: string): Promise<boolean>;
}

/** Counter turns to a warning this close to the limit. */
const WARN_LEFT = 20;

/**
 * Chat input + send. Enter sends (not while an IME is composing: Chinese input confirms candidates with
 * Enter). Shows the characters left against the dialogue's limit; disabled while not connected.
 */
export class ChatBox {
  readonly element: HTMLFormElement;
  readonly input: HTMLInputElement;
  private readonly button: HTMLButtonElement;
  private readonly counter: HTMLElement;
  private enabled = false;
  private sending = false;

  constructor(private readonly options: ChatBoxOptions) {
    const { i18n } = options;
    const inputId = uid('chat-input');
    const counterId = uid('chat-counter');
    this.input = h('input', {
      id: inputId,
      type: 'text',
      'data-testid': 'chat-input',
      autocomplete: 'off',
      enterkeyhint: 'send',
      'aria-describedby': counterId,
    });
    this.button = h('button', { type: 'submit', class: 'button primary send', 'data-testid': 'chat-send' }, [
      sendIcon(),
      i18n.text(h('span', { class: 'send-label' }), { key: 'chatSend' }),
    ]);
    this.counter = h('span', { id: counterId, class: 'chat-counter' });
    this.element = h('form', { class: 'chat-box', novalidate: true }, [
      i18n.text(h('label', { for: inputId, class: 'visually-hidden' }), { key: 'chatLabel' }),
      this.input,
      this.button,
    ]);
    this.input.addEventListener('input', () => this.render());
    this.input.addEventListener('keydown', (event) => {
      // Enter that confirms an IME candidate must not send (Safari reports it as keyCode 229).
      if (event.key === 'Enter' && (event.isComposing || event.keyCode === 229)) event.preventDefault();
    });
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
    i18n.onChange(() => this.render());
    this.render();
  }

  /** The counter lives outside the form row so that the row stays one line on phones. */
  get counterElement(): HTMLElement {
    return this.counter;
  }

  setEnabled(enabled: boolean): void {
    if (enabled === this.enabled) return;
    this.enabled = enabled;
    this.render();
  }

  private left(): number {
    return this.options.maxChars - charCount(this.input.value.trim());
  }

  private async submit(): Promise<void> {
    const text = this.input.value.trim();
    if (!this.enabled || this.sending || text === '' || this.left() < 0) return;
    this.sending = true;
    this.render();
    try {
      if (await this.options.send(text)) this.input.value = '';
    } finally {
      this.sending = false;
      this.render();
    }
  }

  private render(): void {
    const { i18n } = this.options;
    const left = this.left();
    this.input.disabled = !this.enabled;
    this.button.disabled = !this.enabled || this.sending || this.input.value.trim() === '' || left < 0;
    i18n.attr(this.input, 'placeholder', { key: this.enabled ? 'chatPlaceholder' : 'chatPlaceholderWaiting' });
    if (left >= 0) i18n.text(this.counter, { key: 'chatLeft', params: { n: left } });
    else i18n.text(this.counter, { key: 'chatOver', params: { n: -left } });
    this.counter.dataset.level = left < 0 ? 'over' : left <= WARN_LEFT ? 'warn' : 'ok';
  }
}
