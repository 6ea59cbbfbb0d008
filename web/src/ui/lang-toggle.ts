import type { Localizer } from '../i18n/localizer.js';
import { otherLang } from '../i18n/i18n.js';
import { h } from './dom.js';

/** 中文 / English switch; the choice is remembered by the Localizer. */
export function createLangToggle(i18n: Localizer): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'lang-toggle', 'data-testid': 'lang-toggle' });
  i18n.text(button, { key: 'langToggleText' });
  i18n.attr(button, 'aria-label', { key: 'langToggleLabel' });
  const mark = () => button.setAttribute('lang', otherLang(i18n.lang) === 'zh' ? 'zh-CN' : 'en');
  mark();
  i18n.onChange(mark);
  button.addEventListener('click', () => i18n.set(otherLang(i18n.lang)));
  return button;
}
