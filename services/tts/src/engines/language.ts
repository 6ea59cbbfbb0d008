export type SpeechLanguage = 'zh' | 'en';

const HAN = /\p{Script=Han}/gu;
const LATIN_WORD = /\p{Script=Latin}+/gu;

/**
 * Mandarin when Chinese characters are at least as many as Latin words (a character is about a syllable, a
 * word one or two), English otherwise: `我喜欢Python` is Chinese, `I love 北京 very much` is English. Text with
 * neither (digits, punctuation) is English.
 */
export function detectLanguage(text: string): SpeechLanguage {
  const han = text.match(HAN)?.length ?? 0;
  if (han === 0) return 'en';
  const latinWords = text.match(LATIN_WORD)?.length ?? 0;
  return han >= latinWords ? 'zh' : 'en';
}
