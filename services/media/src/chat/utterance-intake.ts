import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type UtteranceEvent, cleanGuestText, truncateChars } from '@dh/contracts';
import type { Logger, ServiceMetrics } from '@dh/observability';
import {
  type IdempotencyStore,
  type KeyPrefix,
  NoticeWriter,
  type StreamProducer,
  TURN_SEQ_TTL_S,
  UtteranceWriter,
} from '@dh/streams';

/** The event's text cap; the dialogue refuses politely anything over its own, much smaller, limit. */
const UTTERANCE_TEXT_MAX = 4000;

const WAIT_FOR_ANSWER = {
  zh: '开心还在回答你前面的话，这句没有收到。请等它说完再说。',
  en: 'Kaixin is still answering your earlier messages, so this one was not taken. Please wait until it has finished.',
};

export interface Guest {
  identity: string;
  name: string;
}

export interface TurnStarted {
  turnId: string;
  seq: number;
  input: UtteranceEvent['input'];
}

/**
 * Turns what a guest typed (and their arrival, for the greeting) into utterance events for the dialogue,
 * numbered per room so their answers play in order.
 */
export class UtteranceIntake {
  private readonly pendingByGuest = new Map<string, number>();
  private readonly guestOfTurn = new Map<string, string>();
  /** Guests told to wait since their last answer: one notice per wait, however fast they keep typing. */
  private readonly toldToWait = new Set<string>();
  private readonly writer: UtteranceWriter;
  private readonly notices: NoticeWriter;

  constructor(
    private readonly roomName: string,
    redis: Redis,
    keys: KeyPrefix,
    producer: StreamProducer,
    private readonly idempotency: IdempotencyStore,
    private readonly metrics: ServiceMetrics,
    private readonly logger: Logger,
    private readonly maxPendingPerGuest: number,
  ) {
    this.writer = new UtteranceWriter(redis, keys, producer);
    this.notices = new NoticeWriter(redis, keys);
  }

  /**
   * A message on lk.chat; null when it was not taken: empty, or the guest has too many unanswered (they are
   * told so on their page).
   */
  async chat(guest: Guest, raw: string): Promise<TurnStarted | null> {
    const turn = await this.accept(guest, 'text', raw);
    this.metrics.chatMessages.inc({ result: turn === 'empty' ? 'empty' : turn === null ? 'ignored' : 'accepted' });
    return turn === 'empty' ? null : turn;
  }

  /** What a guest said (the transcript); `endedAt`: when they stopped speaking, where the turn's clock starts. */
  async voice(guest: Guest, transcript: string, endedAt: number): Promise<TurnStarted | null> {
    const turn = await this.accept(guest, 'voice', transcript, endedAt);
    return turn === 'empty' ? null : turn;
  }

  /** Greets a guest once per room, even across restarts of this service. */
  async greet(guest: Guest): Promise<TurnStarted | null> {
    const first = await this.idempotency.claimOnce(`greeted:${this.roomName}:${guest.identity}`, TURN_SEQ_TTL_S);
    return first ? this.start(guest, 'greeting', '') : null;
  }

  /** The answer to a turn has been played (or given up). */
  finished(turnId: string): void {
    const identity = this.guestOfTurn.get(turnId);
    if (identity === undefined) return;
    this.guestOfTurn.delete(turnId);
    this.toldToWait.delete(identity);
    const left = (this.pendingByGuest.get(identity) ?? 1) - 1;
    if (left > 0) this.pendingByGuest.set(identity, left);
    else this.pendingByGuest.delete(identity);
  }

  private async accept(
    guest: Guest,
    input: 'text' | 'voice',
    raw: string,
    at?: number,
  ): Promise<TurnStarted | 'empty' | null> {
    const { text } = cleanGuestText(raw);
    if (text.length === 0) return 'empty';
    if ((this.pendingByGuest.get(guest.identity) ?? 0) >= this.maxPendingPerGuest) {
      this.logger.info({ room: this.roomName, input }, 'utterance ignored: guest has too many unanswered');
      await this.tellToWait(guest);
      return null;
    }
    return this.start(guest, input, truncateChars(text, UTTERANCE_TEXT_MAX), at);
  }

  private async start(guest: Guest, input: UtteranceEvent['input'], text: string, at?: number): Promise<TurnStarted> {
    // Counted as pending before it is written, so that a burst of messages cannot slip past the cap.
    const turnId = randomUUID();
    this.guestOfTurn.set(turnId, guest.identity);
    this.pendingByGuest.set(guest.identity, (this.pendingByGuest.get(guest.identity) ?? 0) + 1);
    let seq: number;
    try {
      ({ seq } = await this.writer.write({
        turnId,
        room: this.roomName,
        identity: guest.identity,
        name: guest.name,
        input,
        text,
        ...(at === undefined ? {} : { at }),
      }));
    } catch (error) {
      this.finished(turnId);
      throw error;
    }
    this.logger.info({ room: this.roomName, turnId, seq, input }, 'utterance sent');
    return { turnId, seq, input };
  }

  private async tellToWait(guest: Guest): Promise<void> {
    if (this.toldToWait.has(guest.identity)) return;
    this.toldToWait.add(guest.identity);
    await this.notices
      .write('wait_for_answer', WAIT_FOR_ANSWER, { room: this.roomName, identity: guest.identity })
      .catch((error: unknown) =>
        this.logger.warn({ room: this.roomName, err: (error as Error).message }, 'wait notice not sent'),
      );
  }
}
