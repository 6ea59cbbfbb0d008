import type { Localizer } from '../i18n/localizer.js';
import { h } from '../ui/dom.js';
import type { SubtitleLine, SubtitleModel } from './subtitle-model.js';

/** How close to the bottom counts as "reading the newest": then new lines scroll into view. */
const STICK_PX = 48;

/**
 * Renders the subtitle model as a scrolling log (`aria-live="polite"`), keyed by line id so that a growing
 * segment updates its element in place. The newest line stays visible unless the guest scrolled up.
 */
export class SubtitleView {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly rendered = new Map<number, { element: HTMLElement; text: Text; final: boolean }>();
  private version = -1;

  constructor(
    private readonly model: SubtitleModel,
    private readonly i18n: Localizer,
    guestName: string,
  ) {
    this.list = h('ol', { class: 'subtitle-list' });
    this.empty = i18n.text(h('p', { class: 'subtitles-empty' }), {
      key: 'subtitlesEmpty',
      params: { name: guestName },
    });
    this.element = h(
      'section',
      { class: 'subtitles', 'data-testid': 'subtitles', role: 'log', 'aria-live': 'polite', tabindex: '0' },
      [this.empty, this.list],
    );
    i18n.attr(this.element, 'aria-label', { key: 'subtitlesLabel' });
  }

  /** Brings the page in line with the model; cheap when nothing changed. */
  update(): void {
    if (this.model.version === this.version) return;
    this.version = this.model.version;
    const stick = this.element.scrollHeight - this.element.scrollTop - this.element.clientHeight < STICK_PX;
    const lines = this.model.lines();
    const alive = new Set<number>();
    for (const line of lines) {
      alive.add(line.id);
      const existing = this.rendered.get(line.id);
      if (!existing) {
        const element = this.renderLine(line);
        this.list.append(element);
        continue;
      }
      if (existing.text.data !== line.text) existing.text.data = line.text;
      if (existing.final !== line.final) {
        existing.final = line.final;
        existing.element.dataset.final = String(line.final);
      }
    }
    for (const [id, item] of this.rendered) {
      if (!alive.has(id)) {
        item.element.remove();
        this.rendered.delete(id);
      }
    }
    this.empty.hidden = lines.length > 0;
    if (stick) this.element.scrollTop = this.element.scrollHeight;
  }

  private renderLine(line: SubtitleLine): HTMLElement {
    const who = h('span', { class: 'line-who' });
    if (line.from === 'avatar') this.i18n.text(who, { key: 'avatarName' });
    else if (line.from === 'me') this.i18n.text(who, { key: 'speakerMe' });
    else if (line.name) who.textContent = line.name;
    else this.i18n.text(who, { key: 'speakerGuest' });
    const text = document.createTextNode(line.text);
    // Several sentences in a row from one speaker read as one turn: the name is shown once (kept for readers).
    const speaker = `${line.from}:${line.name ?? ''}`;
    const continued = this.list.lastElementChild?.getAttribute('data-speaker') === speaker;
    const element = h(
      'li',
      {
        class: `line line-${line.from}${continued ? ' line-continued' : ''}`,
        'data-speaker': speaker,
        'data-testid': 'subtitle-line',
        'data-from': line.from,
        'data-segment-id': line.segmentId,
        'data-final': String(line.final),
      },
      [who, h('span', { class: 'line-text' }, [text])],
    );
    this.rendered.set(line.id, { element, text, final: line.final });
    return element;
  }
}
