import { readStored, writeStored } from '../storage.js';
import { type Lang, LANG_STORAGE_KEY, type Text, htmlLang, initialLang, translate } from './i18n.js';

type Target = 'text' | `attr:${string}`;

/** Past this many bound elements, bindings of elements no longer in the page are dropped. */
const PRUNE_AT = 300;

/**
 * The page's current language. Elements register which message they show, so switching the language
 * rewrites them in place without re-rendering (and without losing focus or typed text).
 */
export class Localizer {
  private current: Lang;
  private readonly bound = new Map<Element, Map<Target, Text>>();
  private readonly listeners = new Set<(lang: Lang) => void>();
  private pruneQueued = false;

  constructor() {
    this.current = initialLang(readStored(LANG_STORAGE_KEY));
    this.applyDocument();
  }

  get lang(): Lang {
    return this.current;
  }

  t(text: Text): string {
    return translate(this.current, text);
  }

  /** Sets the element's text now and after every language switch. */
  text<E extends Element>(element: E, text: Text): E {
    element.textContent = this.t(text);
    this.bind(element, 'text', text);
    return element;
  }

  attr<E extends Element>(element: E, name: string, text: Text): E {
    element.setAttribute(name, this.t(text));
    this.bind(element, `attr:${name}`, text);
    return element;
  }

  set(lang: Lang): void {
    if (lang === this.current) return;
    this.current = lang;
    writeStored(LANG_STORAGE_KEY, lang);
    this.applyDocument();
    for (const [element, targets] of this.bound) {
      if (!element.isConnected) {
        this.bound.delete(element);
        continue;
      }
      for (const [target, text] of targets) this.apply(element, target, text);
    }
    for (const listener of this.listeners) listener(lang);
  }

  onChange(listener: (lang: Lang) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private bind(element: Element, target: Target, text: Text): void {
    let targets = this.bound.get(element);
    if (!targets) {
      targets = new Map();
      this.bound.set(element, targets);
    }
    targets.set(target, text);
    if (this.bound.size > PRUNE_AT && !this.pruneQueued) {
      this.pruneQueued = true;
      // Later, so that elements created in this task are attached by then.
      setTimeout(() => {
        this.pruneQueued = false;
        for (const element of this.bound.keys()) if (!element.isConnected) this.bound.delete(element);
      }, 0);
    }
  }

  private apply(element: Element, target: Target, text: Text): void {
    if (target === 'text') element.textContent = this.t(text);
    else element.setAttribute(target.slice(5), this.t(text));
  }

  private applyDocument(): void {
    document.documentElement.lang = htmlLang(this.current);
    document.title = this.t({ key: 'appTitle' });
  }
}
