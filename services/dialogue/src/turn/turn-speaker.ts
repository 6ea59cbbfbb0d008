import type { UtteranceEvent } from '@dh/contracts';
import type { SentenceQueue } from './sentence-queue.js';
import type { TurnProgressRepository } from './turn-progress.repository.js';

/**
 * Enqueues one turn's sentences in index order. After a redelivery the first `previous.length` sentences were
 * already enqueued by the run that died: they are counted but not enqueued again, so the guest hears none of
 * them twice (what was enqueued then is what they hear and what goes into the history).
 */
export class TurnSpeaker {
  private next = 0;
  private readonly texts: string[] = [];

  constructor(
    private readonly utterance: UtteranceEvent,
    private readonly queue: SentenceQueue,
    private readonly progress: TurnProgressRepository,
    private readonly previous: readonly string[],
  ) {}

  /** Sentences of this answer so far, including those of an earlier run. */
  get count(): number {
    return Math.max(this.next, this.previous.length);
  }

  /** What the guest hears, in order. */
  get spoken(): string[] {
    return Array.from({ length: this.count }, (_, i) => this.previous[i] ?? this.texts[i] ?? '');
  }

  /** The answer's next sentence; skipped when an earlier run already enqueued that index. */
  async say(text: string, llmMs: number): Promise<void> {
    const index = this.next++;
    if (index < this.previous.length) return;
    this.texts[index] = text;
    const { turnId, room, seq, at } = this.utterance;
    await this.queue.add({ turnId, room, seq, index, text, llmMs: Math.max(0, Math.round(llmMs)), at });
    await this.progress.recordSentence(turnId, index, text);
  }

  /** A closing sentence (apology, refusal) after everything said so far, by this run or an earlier one. */
  async sayLast(text: string, llmMs: number): Promise<void> {
    this.next = this.count;
    await this.say(text, llmMs);
  }
}
