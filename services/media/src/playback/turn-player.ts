import type { Pcm, SpeechEndEvent, SpeechSentenceEvent } from '@dh/contracts';

/** Where a room's sentences go: the avatar's voice and subtitles. */
export interface SentenceSink {
  /** Plays one sentence (audio may be null: synthesis failed, show the words only). Resolves once queued. */
  play(sentence: SpeechSentenceEvent, audio: Pcm | null, firstOfTurn: boolean): Promise<void>;
  /** An answer is awaited (the avatar is thinking). */
  waiting(): void;
  /** Nothing left to play or wait for. */
  idle(): void;
  /** A turn ended (played, or given up); `played` counts the sentences heard. */
  turnFinished(turnId: string, played: number): void;
}

export interface TurnPlayerOptions {
  /** A turn without progress for this long is given up, so the room is not stuck behind it. */
  stallMs: number;
  /** Turn ids remembered after they finish, to drop duplicate deliveries. */
  rememberTurns?: number;
}

interface QueuedSentence {
  event: SpeechSentenceEvent;
  audio: Promise<Pcm | null>;
  acks: (() => void)[];
}

interface Turn {
  turnId: string;
  seq: number;
  arrival: number;
  sentences: Map<number, QueuedSentence>;
  total: number | undefined;
  endAcks: (() => void)[];
  nextIndex: number;
  lastProgressAt: number;
}

/**
 * Orders one room's speech: turns by their per-room sequence number, sentences by index, whatever order
 * synthesis finishes in. Each delivery's promise resolves once its sentence is played (or known to be a
 * duplicate, or given up), which is when the stream entry may be acknowledged.
 */
export class TurnPlayer {
  private readonly turns = new Map<string, Turn>();
  private readonly finished = new Set<string>();
  private current: Turn | undefined;
  private wakeUp: (() => void) | undefined;
  private closed = false;
  private arrivals = 0;
  private readonly loop: Promise<void>;

  constructor(
    private readonly sink: SentenceSink,
    private readonly options: TurnPlayerOptions,
  ) {
    this.loop = this.run();
  }

  /** A turn has started (its utterance was sent): the avatar waits for its answer before later ones. */
  expect(turnId: string, seq: number): void {
    if (this.closed || this.finished.has(turnId)) return;
    this.turn(turnId, seq);
    this.wake();
  }

  addSentence(event: SpeechSentenceEvent, audio: Promise<Pcm | null>): Promise<void> {
    if (this.closed || this.finished.has(event.turnId)) return Promise.resolve();
    const turn = this.turn(event.turnId, event.seq);
    if (event.index < turn.nextIndex || (turn.total !== undefined && event.index >= turn.total)) {
      return Promise.resolve(); // already played, or beyond the answer's end: a duplicate delivery
    }
    return new Promise((resolve) => {
      const existing = turn.sentences.get(event.index);
      if (existing) existing.acks.push(resolve);
      else turn.sentences.set(event.index, { event, audio, acks: [resolve] });
      this.wake();
    });
  }

  addEnd(event: SpeechEndEvent): Promise<void> {
    if (this.closed || this.finished.has(event.turnId)) return Promise.resolve();
    const turn = this.turn(event.turnId, event.seq);
    turn.total = event.sentences;
    return new Promise((resolve) => {
      turn.endAcks.push(resolve);
      this.wake();
    });
  }

  /** The turn being spoken or awaited now. */
  get currentTurnId(): string | undefined {
    return this.current?.turnId;
  }

  /**
   * Barge-in: the current turn ends here. What is left of it is dropped (its deliveries released, later ones
   * ignored as duplicates); the next turn plays when it comes.
   */
  interrupt(): string | undefined {
    const turn = this.current;
    if (!turn) return undefined;
    this.finish(turn, turn.nextIndex);
    this.wake();
    return turn.turnId;
  }

  /** Whether anything is being played or awaited. */
  get busy(): boolean {
    return this.turns.size > 0;
  }

  /** Stops playing; every delivery still held is released (the room is gone, so is the moment). */
  async close(): Promise<void> {
    this.closed = true;
    for (const turn of this.turns.values()) this.release(turn);
    this.turns.clear();
    this.wake();
    await this.loop;
  }

  private turn(turnId: string, seq: number): Turn {
    let turn = this.turns.get(turnId);
    if (!turn) {
      turn = {
        turnId,
        seq,
        arrival: this.arrivals++,
        sentences: new Map(),
        total: undefined,
        endAcks: [],
        nextIndex: 0,
        lastProgressAt: Date.now(),
      };
      this.turns.set(turnId, turn);
    }
    return turn;
  }

  private wake(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
  }

  private sleep(ms: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => this.wake(), ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** The next turn: the lowest sequence number (arrival order breaks ties, e.g. after a counter reset). */
  private pick(): Turn | undefined {
    let best: Turn | undefined;
    for (const turn of this.turns.values()) {
      if (!best || turn.seq < best.seq || (turn.seq === best.seq && turn.arrival < best.arrival)) best = turn;
    }
    return best;
  }

  private async run(): Promise<void> {
    let wasIdle = true;
    while (!this.closed) {
      const turn = (this.current ??= this.pick());
      if (!turn) {
        if (!wasIdle) this.sink.idle();
        wasIdle = true;
        await this.sleep(undefined);
        continue;
      }
      wasIdle = false;
      const sentence = turn.sentences.get(turn.nextIndex);
      if (sentence) {
        const audio = await sentence.audio.catch(() => null);
        if (this.closed) break;
        if (this.current !== turn) continue; // interrupted while its audio was loading
        await this.sink.play(sentence.event, audio, turn.nextIndex === 0).catch(() => undefined);
        turn.sentences.delete(turn.nextIndex);
        turn.nextIndex += 1;
        turn.lastProgressAt = Date.now();
        for (const ack of sentence.acks) ack();
        continue;
      }
      if (turn.total !== undefined && turn.nextIndex >= turn.total) {
        this.finish(turn, turn.nextIndex);
        continue;
      }
      const left = turn.lastProgressAt + this.options.stallMs - Date.now();
      if (left <= 0) {
        this.finish(turn, turn.nextIndex);
        continue;
      }
      this.sink.waiting();
      await this.sleep(left);
    }
  }

  private finish(turn: Turn, played: number): void {
    this.release(turn);
    this.turns.delete(turn.turnId);
    this.current = undefined;
    this.finished.add(turn.turnId);
    if (this.finished.size > (this.options.rememberTurns ?? 256)) {
      const oldest = this.finished.values().next().value;
      if (oldest !== undefined) this.finished.delete(oldest);
    }
    this.sink.turnFinished(turn.turnId, played);
  }

  private release(turn: Turn): void {
    for (const sentence of turn.sentences.values()) for (const ack of sentence.acks) ack();
    turn.sentences.clear();
    for (const ack of turn.endAcks) ack();
    turn.endAcks = [];
  }
}
