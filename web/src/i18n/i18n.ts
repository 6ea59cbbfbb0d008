import { type MessageKey, messages } from './messages.js';

export type Lang = 'zh' | 'en';
export type Params = Record<string, string | number>;

/** A text to show: a message of the table, or a pair that arrived from the server with both languages. */
export type Text = { key: MessageKey; params?: Params } | { zh: string; en: string };

export const LANG_STORAGE_KEY = 'dh.lang';

/** Simplified Chinese unless the guest chose English before. */
export function initialLang(stored: string | null): Lang {
  return stored === 'en' ? 'en' : 'zh';
}

/** `{name}` placeholders of a template, sorted (for the completeness check). */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '').sort();
}

export function format(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

export function translate(lang: Lang, text: Text): string {
  if ('key' in text) return format(messages[text.key][lang], text.params);
  return text[lang];
}

/** The other language, for lines that show both (join errors: the current language first). */
export function otherLang(lang: Lang): Lang {
  return lang === 'zh' ? 'en' : 'zh';
}

/** `lang` attribute of the document for a language. */
export function htmlLang(lang: Lang): string {
  return lang === 'zh' ? 'zh-CN' : 'en';
}
