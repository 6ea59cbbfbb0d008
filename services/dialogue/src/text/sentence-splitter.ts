import { CJK, joinSpeech, speakableLength, syllableCount, toSpeechText } from './speech-text.js';

export interface SentenceSplitterOptions {
  /** Longest sentence in code points; a longer run is cut at a comma or space when there is one. Default 80. */
  maxChars?: number;
  /**
   * Fragments shorter than this are merged into the next sentence ("嗯。", "好的！", "Hi!"): each job costs a
   * synthesis call and a gap. Counted in CJK characters and words of other scripts. Default 3.
   */
  minSyllables?: number;
}

// Terminators that end a sentence wherever they stand.
const STRONG_TERMINATORS = new Set(['。', '！', '？', '；', '…', '!', '?', ';', '！', '？']);
// Closing quotes and brackets that belong to the sentence they follow.
const CLOSERS = new Set(['”', '"', '’', "'", '）', ')', '」', '』', '】', '》', ']']);
// Places where an over-long run may be cut without splitting a clause.
const SOFT_BREAKS = new Set(['，', '、', ',', '：', ':', ' ', '—', '－', '（', '(']);
// Words that end in a dot without ending the sentence.
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'vs', 'cf', 'approx', 'no', 'fig']);

/**
 * Cuts a streamed answer into sentences as soon as each is complete, so the first one can be spoken while the
 * rest is still being generated. A terminator at the very end of the text seen so far waits for the next
 * character (it may be "3.14", "e.g." or "?!"); `flush` ends the stream.
 */
export class SentenceSplitter {
  private buffer = '';
  private pending = '';
  private readonly maxChars: number;
  private readonly minSyllables: number;

  constructor(options: SentenceSplitterOptions = {}) {
    this.maxChars = options.maxChars ?? 80;
    this.minSyllables = options.minSyllables ?? 3;
  }

  /** Adds streamed text; returns the sentences it completed, cleaned for speech. */
  push(delta: string): string[] {
    this.buffer += delta;
    return this.drain(false);
  }

  /** The stream ended: returns whatever is left. */
  flush(): string[] {
    const out = this.drain(true);
    if (speakableLength(this.pending) > 0) out.push(this.pending);
    this.pending = '';
    return out;
  }

  /** Forgets what has not been emitted yet (the stream broke mid-sentence). */
  reset(): void {
    this.buffer = '';
    this.pending = '';
  }

  private drain(final: boolean): string[] {
    const out: string[] = [];
    for (;;) {
      const end = this.boundary(final);
      if (end === 'wait') break;
      if (end !== undefined) {
        this.take(end, out);
        continue;
      }
      const cut = this.capCut();
      if (cut !== undefined) {
        this.take(cut, out);
        continue;
      }
      if (final && this.buffer) this.take(this.buffer.length, out);
      break;
    }
    return out;
  }

  private take(end: number, out: string[]): void {
    const raw = this.buffer.slice(0, end);
    this.buffer = this.buffer.slice(end);
    const text = toSpeechText(raw);
    // Nothing to hear (an emoji and its full stop): dropped unless it ends a fragment already pending.
    if (!text || (!this.pending && speakableLength(text) === 0)) return;
    this.pending = this.pending ? joinSpeech(this.pending, text) : text;
    if (syllableCount(this.pending) >= this.minSyllables) {
      out.push(this.pending);
      this.pending = '';
    }
  }

  /** End index of the first complete sentence, 'wait' when one may end at the buffer's end, else undefined. */
  private boundary(final: boolean): number | 'wait' | undefined {
    const text = this.buffer;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (c === '\n') return i + 1;
      if (!STRONG_TERMINATORS.has(c) && c !== '.') continue;
      let runEnd = i + 1;
      let onlyDots = c === '.';
      while (runEnd < text.length && (STRONG_TERMINATORS.has(text[runEnd]!) || text[runEnd] === '.')) {
        if (text[runEnd] !== '.') onlyDots = false;
        runEnd++;
      }
      let end = runEnd;
      while (end < text.length && CLOSERS.has(text[end]!)) end++;
      if (end >= text.length) return final ? end : 'wait';
      if (!onlyDots || this.dotEndsSentence(text, i, runEnd, end)) return end;
      i = end - 1;
    }
    return undefined;
  }

  /** Dots at [start, runEnd), closers up to `end`, then more text: a sentence end, or a decimal/abbreviation/list mark. */
  private dotEndsSentence(text: string, start: number, runEnd: number, end: number): boolean {
    const next = text[end]!;
    if (!/\s/.test(next) && !CJK.test(next)) return false; // 3.14, e.g, example.com
    if (runEnd - start > 1) return true; // an ellipsis "..." before a space
    const before = text.slice(0, start);
    if (/^\s*\d{1,3}$/.test(before)) return false; // "1. " at the start of a list item
    const word = /(\S+)$/.exec(before)?.[1] ?? '';
    if (word.includes('.')) return false; // e.g. i.e. U.S.
    if (/^[A-Za-z]$/.test(word)) return false; // an initial: "J. K. Rowling"
    return !ABBREVIATIONS.has(word.toLowerCase());
  }

  /** Where to cut a run longer than maxChars that has no sentence end yet. */
  private capCut(): number | undefined {
    const chars = Array.from(this.buffer);
    if (chars.length <= this.maxChars) return undefined;
    let cutChars = this.maxChars;
    for (let i = this.maxChars - 1; i >= Math.floor(this.maxChars / 3); i--) {
      if (SOFT_BREAKS.has(chars[i]!)) {
        cutChars = i + 1;
        break;
      }
    }
    return chars.slice(0, cutChars).join('').length;
  }
}
