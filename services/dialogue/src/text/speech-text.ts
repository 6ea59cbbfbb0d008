/**
 * Turns a sentence of LLM output into what a TTS engine should read: markdown symbols and emoji are removed
 * (espeak reads "asterisk" and emoji names aloud), white space is folded.
 */
const MARKDOWN_LINE_PREFIX = /^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d{1,3}[.)]\s+)/;
const MARKDOWN_IMAGE_OR_LINK = /!?\[([^\]]*)\]\([^)]*\)/g;
const MARKDOWN_SYMBOLS = /\*+|_{2,}|~~|`+|\|/g;
const HORIZONTAL_RULE = /^\s*([-*_])(?:\s*\1){2,}\s*$/;
// Pictographs plus what glues them together: skin tones, variation selectors, zero-width joiners, keycaps, flags.
const EMOJI = /\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}\u{1F1E6}-\u{1F1FF}]|\uFE0E|\uFE0F|\u200D|\u20E3/gu;

export function toSpeechText(raw: string): string {
  if (HORIZONTAL_RULE.test(raw)) return '';
  return (
    raw
      .replace(MARKDOWN_LINE_PREFIX, '')
      .replace(MARKDOWN_IMAGE_OR_LINK, '$1')
      .replace(MARKDOWN_SYMBOLS, '')
      .replace(EMOJI, '')
      .replace(/\s+/g, ' ')
      // What an emoji or a symbol left between a word and its punctuation.
      .replace(/\s+([，。！？；：、…,.!?;:])/g, '$1')
      .trim()
  );
}

const SPEAKABLE = /[\p{L}\p{N}]/gu;
// A Chinese/Japanese/Korean character is a syllable; elsewhere a word is counted as one.
const SYLLABLE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]|[\p{L}\p{N}]+/gu;

/** Letters and digits: what a listener actually hears of a fragment. */
export function speakableLength(text: string): number {
  return text.match(SPEAKABLE)?.length ?? 0;
}

/** A rough count of what a listener hears: CJK characters, plus words of other scripts. */
export function syllableCount(text: string): number {
  return text.match(SYLLABLE)?.length ?? 0;
}

export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/** Chinese and Japanese characters and their punctuation. */
export const CJK = /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/;

/** Joins two pieces of speech: CJK text has no spaces between sentences, Western text has one. */
export function joinSpeech(left: string, right: string): string {
  const last = left.at(-1) ?? '';
  const first = right[0] ?? '';
  return CJK.test(last) && (CJK.test(first) || !/[A-Za-z0-9]/.test(first)) ? left + right : `${left} ${right}`;
}
