import type { AvatarImages } from '../api/client-config.js';
import type { MessageKey } from '../i18n/messages.js';
import type { Localizer } from '../i18n/localizer.js';
import { h } from '../ui/dom.js';
import { type AgentState, AvatarAnimator } from './avatar-state.js';
import { type AvatarView, createDrawnAvatar } from './drawn-avatar.js';
import { createImageAvatar } from './image-avatar.js';

export const STATE_TEXT: Record<AgentState, MessageKey> = {
  initializing: 'stateInitializing',
  idle: 'stateIdle',
  listening: 'stateListening',
  thinking: 'stateThinking',
  speaking: 'stateSpeaking',
};

export interface AvatarStageOptions {
  i18n: Localizer;
  images: AvatarImages | null;
  /** The room's avatar carries `data-testid="avatar"`; the join screen's preview does not. */
  testId: boolean;
  initialState?: AgentState;
}

const reducedMotionQuery = () => window.matchMedia('(prefers-reduced-motion: reduce)');

/**
 * The avatar on screen: a view driven every animation frame by the state machine, from the agent state and
 * a voice level source. `data-state` changes at once, not on the next frame.
 */
export class AvatarStage {
  readonly element: HTMLElement;
  private readonly view: AvatarView;
  private animator: AvatarAnimator;
  private state: AgentState;
  private levelSource: (() => number) | null = null;
  private frame = 0;

  constructor(private readonly options: AvatarStageOptions) {
    this.state = options.initialState ?? 'initializing';
    this.view = options.images ? createImageAvatar(options.images) : createDrawnAvatar();
    const query = reducedMotionQuery();
    this.animator = new AvatarAnimator({ reducedMotion: query.matches });
    query.addEventListener?.('change', () => {
      this.animator = new AvatarAnimator({ reducedMotion: query.matches });
    });
    this.element = h(
      'div',
      {
        class: 'avatar',
        role: 'img',
        'data-state': this.state,
        'data-testid': options.testId ? 'avatar' : null,
      },
      [this.view.element],
    );
    this.label();
    options.i18n.onChange(() => this.label());
  }

  get current(): AgentState {
    return this.state;
  }

  setState(state: AgentState): void {
    if (state === this.state) return;
    this.state = state;
    this.element.dataset.state = state;
    this.label();
  }

  /** Loudness of the avatar's voice, 0…1, read once per frame; null while there is none. */
  setLevelSource(source: (() => number) | null): void {
    this.levelSource = source;
  }

  start(): void {
    if (this.frame) return;
    const tick = (now: number) => {
      const frame = this.animator.step(this.state, this.levelSource?.() ?? 0, now);
      this.view.render(frame);
      this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  }

  stop(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  private label(): void {
    this.element.setAttribute('aria-label', this.options.i18n.t({ key: STATE_TEXT[this.state] }));
  }
}
