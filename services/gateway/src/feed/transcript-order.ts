import type { TranscriptMessage } from './feed-protocol.js';

interface HeldTurn {
  sentences: Map<number, TranscriptMessage>;
  /** From speech.end: how many sentences the answer has. */
  total: number | undefined;
}

interface Cursor {
  seq: number;
  index: number;
}

const before = (a: Cursor, b: Cursor) => a.seq < b.seq || (a.seq === b.seq && a.index < b.index);

/** Turns waiting at most this many: beyond it the order gives up on the oldest gap at once. */
const MAX_HELD_TURNS = 32;

/**
 * Puts one room's sentences back in the order they are spoken: turns by their per-room number, sentences by
 * index. TTS finishes them in any order (two workers, first sentences first), and the text fallback must not
 * show the second sentence before the first. A gap that does not fill within `holdMs` (a sentence written
 * before this gateway started reading) is skipped, so nothing waits behind it for long.
 */
export class TranscriptOrder {
  private readonly turns = new Map<number, HeldTurn>();
  private next: Cursor | undefined;
  private lastProgressAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly emit: (message: TranscriptMessage) => void,
    private readonly holdMs: number,
  ) {}

  sentence(seq: number, index: number, message: TranscriptMessage, now = Date.now()): void {
    if (this.next === undefined) {
      this.next = { seq, index: 0 };
      this.lastProgressAt = now;
    }
    // Later than its place (after a skipped gap): shown at once rather than never.
    if (before({ seq, index }, this.next)) return this.emit(message);
    this.turn(seq).sentences.set(index, message);
    this.advance(now);
  }

  end(seq: number, total: number, now = Date.now()): void {
    if (this.next !== undefined && seq < this.next.seq) return;
    this.turn(seq).total = total;
    if (this.next !== undefined) this.advance(now);
  }

  /** Skips the gap the order has waited on for `holdMs` or more (called by its own timer). */
  expire(now = Date.now()): void {
    if (now - this.lastProgressAt < this.holdMs && this.turns.size <= MAX_HELD_TURNS) {
      // Timers may fire a millisecond before Date.now() says they are due: wait the rest.
      this.arm();
      return;
    }
    const first = this.firstHeld();
    if (first === undefined) {
      // Only ends of answers that never came are left: nothing to wait for.
      if (this.turns.size > MAX_HELD_TURNS) this.turns.clear();
      return;
    }
    this.next = first;
    for (const seq of this.turns.keys()) if (seq < first.seq) this.turns.delete(seq);
    this.lastProgressAt = now;
    this.advance(now);
  }

  close(): void {
    clearTimeout(this.timer);
    this.turns.clear();
  }

  private turn(seq: number): HeldTurn {
    let turn = this.turns.get(seq);
    if (!turn) this.turns.set(seq, (turn = { sentences: new Map(), total: undefined }));
    return turn;
  }

  private advance(now: number): void {
    const next = this.next!;
    for (;;) {
      const turn = this.turns.get(next.seq);
      const message = turn?.sentences.get(next.index);
      if (turn && message) {
        turn.sentences.delete(next.index);
        next.index += 1;
        this.lastProgressAt = now;
        this.emit(message);
      } else if (turn?.total !== undefined && next.index >= turn.total) {
        this.turns.delete(next.seq);
        next.seq += 1;
        next.index = 0;
        this.lastProgressAt = now;
      } else break;
    }
    if (this.turns.size > MAX_HELD_TURNS) this.expire(now);
    this.arm();
  }

  /** The earliest sentence held, if any. */
  private firstHeld(): Cursor | undefined {
    let first: Cursor | undefined;
    for (const [seq, turn] of this.turns) {
      for (const index of turn.sentences.keys()) {
        const candidate = { seq, index };
        if (first === undefined || before(candidate, first)) first = candidate;
      }
    }
    return first;
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.firstHeld() === undefined) return;
    const wait = Math.max(0, this.lastProgressAt + this.holdMs - Date.now());
    this.timer = setTimeout(() => this.expire(), wait);
    this.timer.unref();
  }
}
