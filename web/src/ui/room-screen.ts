import type { AvatarStage } from '../avatar/avatar-stage.js';
import { STATE_TEXT } from '../avatar/avatar-stage.js';
import type { Localizer } from '../i18n/localizer.js';
import type { SubtitleView } from '../subtitles/subtitle-view.js';
import type { ChatBox } from './chat-box.js';
import type { ConnectionBadge } from './connection-badge.js';
import { h, show } from './dom.js';
import { speakerIcon } from './icons.js';
import { createLangToggle } from './lang-toggle.js';
import type { MicToggle } from './mic-toggle.js';
import type { Notices } from './notices.js';

export interface RoomParts {
  avatar: AvatarStage;
  subtitles: SubtitleView;
  chat: ChatBox;
  mic: MicToggle;
  connection: ConnectionBadge;
  notices: Notices;
}

/**
 * The room's layout. Focus order follows reading order: header, banners, the avatar's "Tap to listen",
 * notices, subtitles, then the composer (microphone, input, send). Phones stack it; wide screens put the
 * avatar beside the conversation.
 */
export class RoomScreen {
  readonly element: HTMLElement;
  readonly startAudio: HTMLButtonElement;
  readonly rejoin: HTMLButtonElement;
  private readonly fallbackBanner: HTMLElement;
  private readonly lostBar: HTMLElement;
  private readonly caption: HTMLElement;

  constructor(
    private readonly i18n: Localizer,
    private readonly parts: RoomParts,
  ) {
    this.startAudio = h('button', { type: 'button', class: 'button start-audio', 'data-testid': 'start-audio' }, [
      speakerIcon(),
      i18n.text(h('span'), { key: 'startAudio' }),
    ]);
    i18n.attr(this.startAudio, 'title', { key: 'startAudioHint' });
    show(this.startAudio, false);

    this.rejoin = h('button', { type: 'button', class: 'button primary', 'data-testid': 'rejoin' });
    i18n.text(this.rejoin, { key: 'rejoin' });
    this.lostBar = h('div', { class: 'banner banner-lost', role: 'alert' }, [
      i18n.text(h('p'), { key: 'disconnectedText' }),
      this.rejoin,
    ]);
    show(this.lostBar, false);

    this.fallbackBanner = h('div', {
      class: 'banner banner-fallback',
      'data-testid': 'fallback-banner',
      role: 'status',
    });
    i18n.text(this.fallbackBanner, { key: 'fallbackBanner' });
    show(this.fallbackBanner, false);

    this.caption = h('p', { class: 'avatar-caption', 'aria-hidden': 'true' });

    this.element = h('div', { class: 'screen room-screen' }, [
      h('header', { class: 'topbar' }, [
        i18n.text(h('h1', { class: 'brand' }), { key: 'appTitle' }),
        h('div', { class: 'topbar-end' }, [parts.connection.element, createLangToggle(i18n)]),
      ]),
      this.lostBar,
      this.fallbackBanner,
      h('main', { class: 'room-main' }, [
        h('section', { class: 'stage' }, [parts.avatar.element, this.caption, this.startAudio]),
        h('section', { class: 'conversation' }, [
          parts.notices.element,
          parts.subtitles.element,
          h('div', { class: 'composer' }, [
            h('div', { class: 'composer-row' }, [parts.mic.button, parts.chat.element]),
            h('div', { class: 'composer-meta' }, [parts.mic.hint, parts.chat.counterElement]),
          ]),
        ]),
      ]),
    ]);
    this.renderCaption();
    i18n.onChange(() => this.renderCaption());
  }

  mount(parent: HTMLElement): void {
    parent.replaceChildren(this.element);
  }

  /** The visible line under the avatar, e.g. "开心在听". */
  renderCaption(): void {
    this.i18n.text(this.caption, { key: STATE_TEXT[this.parts.avatar.current] });
  }

  showFallback(visible: boolean): void {
    show(this.fallbackBanner, visible);
  }

  showLost(visible: boolean): void {
    show(this.lostBar, visible);
  }

  showStartAudio(visible: boolean): void {
    show(this.startAudio, visible);
  }
}
