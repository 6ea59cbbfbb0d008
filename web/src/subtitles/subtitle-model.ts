/** Who said a line: the avatar, this guest, or another guest in a shared room. */
export type Speaker = 'avatar' | 'me' | 'guest';

export interface SubtitleLine {
  /** Page-unique, increasing: the view keys its elements by it. */
  readonly id: number;
  readonly from: Speaker;
  /** Display name of another guest; null for the avatar and for me. */
  readonly name: string | null;
  readonly segmentId: string | null;
  text: string;
  /** A closed line no longer changes. */
  final: boolean;
}

export interface SegmentUpdate {
  from: Speaker;
  /** Who is speaking (participant identity): segment ids are only unique per speaker. */
  speaker: string;
  segmentId: string;
  /** The segment's whole text so far (not a delta). */
  text: string;
  final: boolean;
  name?: string | null;
}

/** Scrollback kept on the page: a long evening's conversation without growing without bound. */
export const DEFAULT_MAX_LINES = 200;

/**
 * The subtitles as data: lines from spoken segments (the same segment id updates its line until it is
 * final), typed messages, and other guests' words. Oldest lines drop off past `maxLines`.
 */
export class SubtitleModel {
  private readonly items: SubtitleLine[] = [];
  private readonly bySegment = new Map<string, SubtitleLine>();
  private nextId = 1;
  /** Increases on every change, so a view can skip work when nothing happened. */
  version = 0;

  constructor(private readonly maxLines = DEFAULT_MAX_LINES) {}

  lines(): readonly SubtitleLine[] {
    return this.items;
  }

  /** Applies a spoken segment; returns whether anything changed. */
  segment(update: SegmentUpdate): boolean {
    const key = `${update.speaker}\u0000${update.segmentId}`;
    const text = update.text.trim();
    const existing = this.bySegment.get(key);
    if (existing) {
      if (existing.final) {
        // A closed line changes only to be cut short: the guest spoke over the avatar (barge-in).
        const cut = update.final && text !== '' && text !== existing.text && existing.text.startsWith(text);
        if (!cut) return false;
        existing.text = text;
        this.version += 1;
        return true;
      }
      if (text === '' && update.final) {
        this.remove(existing);
        return true;
      }
      if (existing.text === text && !update.final) return false;
      existing.text = text || existing.text;
      existing.final = update.final;
      this.version += 1;
      return true;
    }
    if (text === '') return false;
    const line = this.push({
      from: update.from,
      name: update.from === 'guest' ? (update.name ?? null) : null,
      segmentId: update.segmentId,
      text,
      final: update.final,
    });
    this.bySegment.set(key, line);
    return true;
  }

  /** A typed message: complete as it arrives. */
  message(from: Speaker, text: string, name: string | null = null): boolean {
    const trimmed = text.trim();
    if (trimmed === '') return false;
    this.push({ from, name: from === 'guest' ? name : null, segmentId: null, text: trimmed, final: true });
    return true;
  }

  private push(fields: Omit<SubtitleLine, 'id'>): SubtitleLine {
    const line: SubtitleLine = { id: this.nextId++, ...fields };
    this.items.push(line);
    while (this.items.length > this.maxLines) {
      const dropped = this.items.shift();
      if (dropped) this.forget(dropped);
    }
    this.version += 1;
    return line;
  }

  private remove(line: SubtitleLine): void {
    const index = this.items.indexOf(line);
    if (index >= 0) this.items.splice(index, 1);
    this.forget(line);
    this.version += 1;
  }

  private forget(line: SubtitleLine): void {
    if (line.segmentId === null) return;
    for (const [key, value] of this.bySegment) {
      if (value === line) {
        this.bySegment.delete(key);
        return;
      }
    }
  }
}
