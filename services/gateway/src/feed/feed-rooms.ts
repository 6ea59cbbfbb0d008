import { Injectable } from '@nestjs/common';
import type { ServerMessage, TranscriptMessage } from './feed-protocol.js';
import type { FeedSession } from './feed-session.js';
import { TranscriptOrder } from './transcript-order.js';

/** How long a room's transcripts wait for a missing earlier sentence before it is skipped. */
const TRANSCRIPT_HOLD_MS = 8_000;

interface FeedRoom {
  sessions: Set<FeedSession>;
  transcripts: TranscriptOrder;
}

/** The sessions that said hello, by room: where transcripts and notices go. */
@Injectable()
export class FeedRooms {
  private readonly byRoom = new Map<string, FeedRoom>();

  add(session: FeedSession): void {
    const name = session.guest?.room;
    if (name === undefined) return;
    let room = this.byRoom.get(name);
    if (!room) {
      const sessions = new Set<FeedSession>();
      const transcripts = new TranscriptOrder((message) => this.sendTo(sessions, message), TRANSCRIPT_HOLD_MS);
      this.byRoom.set(name, (room = { sessions, transcripts }));
    }
    room.sessions.add(session);
  }

  remove(session: FeedSession): void {
    const name = session.guest?.room;
    const room = name === undefined ? undefined : this.byRoom.get(name);
    if (!room) return;
    room.sessions.delete(session);
    if (room.sessions.size > 0) return;
    room.transcripts.close();
    this.byRoom.delete(name!);
  }

  get empty(): boolean {
    return this.byRoom.size === 0;
  }

  /** A sentence of the avatar's answer, shown in spoken order. */
  transcript(room: string, seq: number, index: number, message: TranscriptMessage): void {
    this.byRoom.get(room)?.transcripts.sentence(seq, index, message);
  }

  /** The end of an answer: how many sentences it has. */
  answerEnd(room: string, seq: number, sentences: number): void {
    this.byRoom.get(room)?.transcripts.end(seq, sentences);
  }

  /** To the sessions of one room (only guest `identity`'s, when given), or of every room when `room` is undefined. */
  send(room: string | undefined, message: ServerMessage, identity?: string): void {
    if (room !== undefined) {
      for (const session of this.byRoom.get(room)?.sessions ?? []) {
        if (identity === undefined || session.guest?.identity === identity) session.send(message);
      }
      return;
    }
    for (const target of this.byRoom.values()) this.sendTo(target.sessions, message);
  }

  private sendTo(sessions: Set<FeedSession>, message: ServerMessage): void {
    for (const session of sessions) session.send(message);
  }
}
