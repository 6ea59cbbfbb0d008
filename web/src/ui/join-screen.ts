import type { AvatarImages } from '../api/client-config.js';
import { AvatarStage } from '../avatar/avatar-stage.js';
import { type Text, otherLang, translate } from '../i18n/i18n.js';
import type { Localizer } from '../i18n/localizer.js';
import { h, show, uid } from './dom.js';
import { createLangToggle } from './lang-toggle.js';

export interface JoinValues {
  name: string;
  passcode: string;
}

export interface JoinScreenOptions {
  i18n: Localizer;
  initialName: string;
  sharedRoom: string | null;
  onSubmit(values: JoinValues): void;
  /** The guest started typing: a good moment to fetch the room code. */
  onIntent(): void;
}

/**
 * The first screen: the avatar saying hello, a name (remembered), the passcode only when the host set one,
 * and friendly errors in `join-error`, the current language first and the other after it.
 */
export class JoinScreen {
  readonly element: HTMLElement;
  private avatar: AvatarStage;
  private readonly name: HTMLInputElement;
  private readonly passcode: HTMLInputElement;
  private readonly passcodeBlock: HTMLElement;
  private readonly error: HTMLElement;
  private readonly submit: HTMLButtonElement;
  private readonly form: HTMLFormElement;
  private errorText: Text | null = null;
  private busy = false;
  private waitUntil = 0;
  private waitTimer = 0;
  private onWaitTick: ((secondsLeft: number) => Text) | null = null;

  constructor(private readonly options: JoinScreenOptions) {
    const { i18n } = options;
    this.avatar = new AvatarStage({ i18n, images: null, testId: false, initialState: 'idle' });
    const nameId = uid('join-name');
    const passId = uid('join-passcode');
    const passHintId = uid('join-passcode-hint');
    const errorId = uid('join-error');

    this.name = h('input', {
      id: nameId,
      type: 'text',
      name: 'name',
      'data-testid': 'join-name',
      autocomplete: 'nickname',
      autocapitalize: 'words',
      enterkeyhint: 'go',
      required: true,
      'aria-describedby': errorId,
      spellcheck: 'false',
    });
    this.name.value = options.initialName;
    i18n.attr(this.name, 'placeholder', { key: 'namePlaceholder' });

    this.passcode = h('input', {
      id: passId,
      type: 'password',
      name: 'passcode',
      'data-testid': 'join-passcode',
      autocomplete: 'off',
      enterkeyhint: 'go',
      'aria-describedby': `${passHintId} ${errorId}`,
    });
    this.passcodeBlock = h('div', { class: 'field' }, [
      i18n.text(h('label', { for: passId }), { key: 'passcodeLabel' }),
      this.passcode,
      i18n.text(h('p', { id: passHintId, class: 'field-hint' }), { key: 'passcodeHint' }),
    ]);
    show(this.passcodeBlock, false);

    this.error = h('div', { id: errorId, class: 'join-error', 'data-testid': 'join-error', role: 'alert' });
    show(this.error, false);
    this.submit = h('button', { type: 'submit', class: 'button primary', 'data-testid': 'join-submit' });
    i18n.text(this.submit, { key: 'joinSubmit' });

    this.form = h('form', { class: 'join-form', novalidate: true }, [
      h('div', { class: 'field' }, [i18n.text(h('label', { for: nameId }), { key: 'nameLabel' }), this.name]),
      this.passcodeBlock,
      this.error,
      this.submit,
    ]);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (this.busy || this.waiting()) return;
      options.onSubmit({ name: this.name.value, passcode: this.passcode.value });
    });
    const intent = () => options.onIntent();
    this.name.addEventListener('focus', intent, { once: true });
    this.name.addEventListener('input', intent, { once: true });
    // The avatar listens while the guest types.
    this.name.addEventListener('focus', () => this.avatar.setState('listening'));
    this.name.addEventListener('blur', () => this.avatar.setState('idle'));

    const shared = options.sharedRoom
      ? i18n.text(h('p', { class: 'shared-note' }), { key: 'sharedRoomNote', params: { room: options.sharedRoom } })
      : null;

    this.element = h('div', { class: 'screen join-screen' }, [
      h('header', { class: 'topbar' }, [
        i18n.text(h('span', { class: 'brand' }), { key: 'appTitle' }),
        createLangToggle(i18n),
      ]),
      h('main', { class: 'join-main' }, [
        h('div', { class: 'join-card' }, [
          h('div', { class: 'join-avatar' }, [this.avatar.element]),
          i18n.text(h('h1', { class: 'join-title' }), { key: 'joinHeading' }),
          i18n.text(h('p', { class: 'join-intro' }), { key: 'joinIntro' }),
          shared,
          this.form,
        ]),
      ]),
    ]);
    i18n.onChange(() => this.renderError());
  }

  mount(parent: HTMLElement): void {
    parent.replaceChildren(this.element);
    this.avatar.start();
  }

  unmount(): void {
    this.avatar.stop();
    window.clearInterval(this.waitTimer);
    this.element.remove();
  }

  /** Shows the passcode field (the config asked for it, or a join answered 401). */
  revealPasscode(focus: boolean): void {
    show(this.passcodeBlock, true);
    if (focus) this.passcode.focus();
  }

  focusName(): void {
    this.name.focus();
  }

  /** Swaps in the owner's images for the drawn preview avatar; nothing to do when they look the same. */
  useImages(images: AvatarImages | null): void {
    if (!images) return;
    const replacement = new AvatarStage({ i18n: this.options.i18n, images, testId: false, initialState: 'idle' });
    this.avatar.stop();
    this.avatar.element.replaceWith(replacement.element);
    replacement.start();
    this.avatar = replacement;
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    this.avatar.setState(busy ? 'thinking' : 'idle');
    this.form.setAttribute('aria-busy', String(busy));
    this.renderButton();
  }

  showError(text: Text | null, focus: 'name' | 'passcode' | null = null): void {
    this.errorText = text;
    this.renderError();
    if (focus === 'name') this.name.focus();
    if (focus === 'passcode') this.passcode.focus();
  }

  /** Keeps the button disabled for `seconds`, counting down in the button and the message. */
  wait(seconds: number, message: (secondsLeft: number) => Text): void {
    this.waitUntil = Date.now() + seconds * 1000;
    this.onWaitTick = message;
    window.clearInterval(this.waitTimer);
    const tick = () => {
      const left = this.secondsLeft();
      if (left <= 0) {
        window.clearInterval(this.waitTimer);
        this.onWaitTick = null;
      } else if (this.onWaitTick) {
        this.errorText = this.onWaitTick(left);
        this.renderError();
      }
      this.renderButton();
    };
    this.waitTimer = window.setInterval(tick, 1000);
    tick();
  }

  private waiting(): boolean {
    return this.secondsLeft() > 0;
  }

  private secondsLeft(): number {
    return Math.max(0, Math.ceil((this.waitUntil - Date.now()) / 1000));
  }

  private renderButton(): void {
    const { i18n } = this.options;
    const left = this.secondsLeft();
    this.submit.disabled = this.busy || left > 0;
    if (this.busy) i18n.text(this.submit, { key: 'joinBusy' });
    else if (left > 0) i18n.text(this.submit, { key: 'joinWait', params: { seconds: left } });
    else i18n.text(this.submit, { key: 'joinSubmit' });
  }

  private renderError(): void {
    const text = this.errorText;
    if (!text) {
      this.error.replaceChildren();
      show(this.error, false);
      return;
    }
    const lang = this.options.i18n.lang;
    const other = otherLang(lang);
    this.error.replaceChildren(
      h('span', { class: 'join-error-main' }, [translate(lang, text)]),
      h('span', { class: 'join-error-other', lang: other === 'zh' ? 'zh-CN' : 'en' }, [translate(other, text)]),
    );
    show(this.error, true);
  }
}
