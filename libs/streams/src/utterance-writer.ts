import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Keys, Streams, UtteranceEvent } from '@dh/contracts';
import type { KeyPrefix } from './redis-connection.js';
import { execAll } from './redis-exec.js';
import type { StreamProducer } from './stream-producer.js';

/** A room's turn counter outlives any conversation; it only has to end some day. */
export const TURN_SEQ_TTL_S = 86_400;

export interface UtteranceInput {
  room: string;
  identity: string;
  name: string;
  input: UtteranceEvent['input'];
  /** Already cleaned by the caller (`cleanGuestText`, `truncateChars`). */
  text: string;
  /** Given when the caller must know the turn before it is written; a new UUID otherwise. */
  turnId?: string;
  /** When the guest finished saying it (epoch ms; a voice turn starts at the end of speech); now otherwise. */
  at?: number;
}

/**
 * Starts a turn: numbers it within its room (INCR of the room's turn counter, so answers play in order) and
 * appends the validated `UtteranceEvent` to `stream:utterances` for the dialogue. Media (what guests say in
 * the LiveKit room) and the gateway (the text fallback over /ws) both write through here.
 */
export class UtteranceWriter {
  constructor(
    private readonly redis: Redis,
    private readonly keys: KeyPrefix,
    private readonly producer: StreamProducer,
  ) {}

  /** Returns the event as written. An event the contract would refuse throws before anything is numbered. */
  async write(utterance: UtteranceInput): Promise<UtteranceEvent> {
    const draft = this.event(utterance, 1);
    const seqKey = this.keys.key(Keys.turnSeq(utterance.room));
    const [seq] = (await execAll(this.redis.multi().incr(seqKey).expire(seqKey, TURN_SEQ_TTL_S))) as [number];
    const event: UtteranceEvent = { ...draft, seq, at: utterance.at ?? Date.now() };
    await this.producer.add(Streams.utterances, event);
    return event;
  }

  private event(utterance: UtteranceInput, seq: number): UtteranceEvent {
    return UtteranceEvent(
      {
        type: 'utterance',
        turnId: utterance.turnId ?? randomUUID(),
        room: utterance.room,
        seq,
        identity: utterance.identity,
        name: utterance.name,
        input: utterance.input,
        text: utterance.text,
        shared: utterance.room.startsWith('s-') ? 'yes' : 'no',
        at: Date.now(),
      },
      '$',
    );
  }
}
