/**
 * Blocks guest input and answers containing a word of the list. Latin-script words match whole words only
 * ("class" does not contain "ass"); other scripts, written without spaces, match anywhere, also when spaces or
 * punctuation were put between the characters to slip past.
 */
export class ContentFilter {
  private readonly wordPattern: RegExp | undefined;
  private readonly fragments: string[];

  constructor(words: Iterable<string>) {
    const latin: string[] = [];
    const fragments = new Set<string>();
    for (const raw of words) {
      const word = normalize(raw).trim();
      if (!word) continue;
      if (/^[a-z0-9' -]+$/.test(word)) latin.push(word.replace(/\s+/g, ' '));
      else fragments.add(squeeze(word));
    }
    this.fragments = [...fragments].filter((f) => f.length > 0);
    this.wordPattern =
      latin.length > 0
        ? new RegExp(`(?<![a-z0-9])(?:${latin.map(escapeRegExp).join('|')})(?![a-z0-9])`, 'u')
        : undefined;
  }

  get size(): number {
    return this.fragments.length + (this.wordPattern ? 1 : 0);
  }

  /** Whether `text` contains a blocked word. */
  blocks(text: string): boolean {
    const normalized = normalize(text);
    if (this.wordPattern?.test(normalized.replace(/\s+/g, ' '))) return true;
    if (this.fragments.length === 0) return false;
    const squeezed = squeeze(normalized);
    return this.fragments.some((fragment) => squeezed.includes(fragment));
  }
}

/** One word a line; blank lines and `#` comments are skipped. */
export function parseWordList(content: string): string[] {
  return content
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

function normalize(text: string): string {
  // NFKC folds full-width letters and compatibility forms onto the plain ones the list is written in.
  return text.normalize('NFKC').toLowerCase();
}

function squeeze(text: string): string {
  return text.replace(/[\s\p{P}\p{S}]+/gu, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
}
