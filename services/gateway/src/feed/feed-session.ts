import { WindowCounter } from '../common/window-counter.js';
import { Close, type FeedError, type ServerMessage } from './feed-protocol.js';
import { type FeedSocket, OPEN } from './feed-socket.js';

/** Who is on the other end, from their verified token. */
export interface FeedGuest {
  identity: string;
  name: string;
  room: string;
}

/** `say` frames per socket: 10 within 10 s, generous for typing, useless for flooding. */
const SAY_LIMIT = 10;
const SAY_WINDOW_MS = 10_000;
/** A client this far behind reading what we send is gone or hostile; it is dropped, not buffered for. */
const MAX_BUFFERED_BYTES = 256 * 1024;

/** One /ws connection: its guest once the hello is accepted, its limits, and its frames handled in order. */
export class FeedSession {
  guest: FeedGuest | undefined;
  /** Cleared by each ping, set again by the pong; a socket still false at the next ping is dead. */
  alive = true;
  helloTimer: NodeJS.Timeout | undefined;
  readonly says = new WindowCounter(SAY_LIMIT, SAY_WINDOW_MS);
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly socket: FeedSocket) {}

  /**
   * Frames are handled one after another in arrival order: a `say` right behind its `hello` waits for the
   * token to be verified instead of being refused. Work never rejects (each handler answers its own errors).
   */
  enqueue(work: () => Promise<void> | void): void {
    this.queue = this.queue.then(work).catch(() => undefined);
  }

  send(message: ServerMessage): void {
    if (this.socket.readyState !== OPEN) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.socket.terminate();
      return;
    }
    this.socket.send(JSON.stringify(message));
  }

  error(error: FeedError): void {
    this.send({ type: 'error', code: error.code, message: error.message });
  }

  /** An `unauthorized` error, then the close (4401) that tells the page to join again. */
  refuse(error: FeedError): void {
    this.error(error);
    if (this.socket.readyState === OPEN) this.socket.close(Close.unauthorized, 'unauthorized');
  }
}
