// C0 and C1 control characters, DEL, and Unicode format/bidi controls that could disguise text.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** A guest name is 1–32 characters after trimming and contains no control characters (contract section 2). */
export const NAME_MAX_CHARS = 32;

export function nameProblem(raw: string): string | null {
  const name = raw.trim();
  if (name.length === 0) return 'name must not be empty';
  if ([...name].length > NAME_MAX_CHARS) return `name must be at most ${NAME_MAX_CHARS} characters`;
  if (HAS_CONTROL.test(name)) return 'name must not contain control characters';
  return null;
}

export interface CleanText {
  text: string;
  /** Characters (code points) in the cleaned text before any cut. */
  length: number;
}

/**
 * Normalizes what a guest typed: NFC, control characters removed, line breaks and runs of white space
 * folded into one space, trimmed. The caller decides what to do with text over its limit.
 */
export function cleanGuestText(raw: string): CleanText {
  const text = raw
    .normalize('NFC')
    .replace(/[\r\n\t]+/g, ' ')
    .replace(CONTROL, '')
    .replace(/\s{2,}/g, ' ')
    .trim();
  return { text, length: [...text].length };
}

/** Cuts to at most `max` code points without splitting a surrogate pair. */
export function truncateChars(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max).join('');
}
