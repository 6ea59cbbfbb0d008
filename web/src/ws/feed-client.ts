import {
  CLOSE_UNAUTHORIZED,
  type ClientMessage,
  type NoticeMessage,
  type StatusMessage,
  type TranscriptMessage,
  backoffDelayMs,
  parseServerMessage,
} from './feed-protocol.js';

/** What the client needs of a WebSocket; the browser's fits, and tests pass their own. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

const OPEN = 1;

/** `connecting` before the first hello is answered, `open` while it is, `retrying` between attempts. */
export type FeedState = 'connecting' | 'open' | 'retrying' | 'stopped';

export interface FeedHandlers {
  state?(state: FeedState): void;
  status?(status: StatusMessage): void;
  notice?(notice: NoticeMessage): void;
  transcript?(transcript: TranscriptMessage): void;
  /** An error frame from the gateway (`rate_limited`, `too_large`, …). */
  error?(code: string): void;
}

export interface FeedClientOptions {
  url: string;
  token: string;
  handlers: FeedHandlers;
  createSocket?: (url: string) => SocketLike;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/**
 * The page's side of `/ws`: says hello with the LiveKit token, passes status, notices and transcripts on,
 * sends `say` in text-only mode, and reconnects with backoff (1 s, 2 s, 4 s … 30 s) until stopped.
 */
export class FeedClient {
  private socket: SocketLike | null = null;
  private attempt = 0;
  private timer: unknown = null;
  private stopped = false;
  private current: FeedState = 'connecting';
  private readonly createSocket: (url: string) => SocketLike;
  private readonly setTimer: (callback: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;

  constructor(private readonly options: FeedClientOptions) {
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
    this.setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
    this.clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  }

  get state(): FeedState {
    return this.current;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.close(1000, 'bye');
    }
    this.setState('stopped');
  }

  /** Sends typed text for the text-only mode; false when the feed is not open. */
  say(text: string): boolean {
    return this.send({ type: 'say', text });
  }

  private send(message: ClientMessage): boolean {
    if (!this.socket || this.socket.readyState !== OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private connect(): void {
    this.timer = null;
    if (this.stopped) return;
    this.setState(this.attempt === 0 ? 'connecting' : 'retrying');
    let socket: SocketLike;
    try {
      socket = this.createSocket(this.options.url);
    } catch {
      this.retry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.send({ type: 'hello', token: this.options.token });
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onerror = () => undefined;
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (event.code === CLOSE_UNAUTHORIZED) {
        // The token was refused (expired): a new attempt with it cannot succeed.
        this.stopped = true;
        this.setState('stopped');
        return;
      }
      this.retry();
    };
  }

  private retry(): void {
    if (this.stopped) return;
    const delay = backoffDelayMs(this.attempt);
    this.attempt += 1;
    this.setState('retrying');
    this.timer = this.setTimer(() => this.connect(), delay);
  }

  private receive(raw: unknown): void {
    const message = parseServerMessage(raw);
    if (!message) return;
    const { handlers } = this.options;
    switch (message.type) {
      case 'status':
        // The first status answers the hello: the connection works, so the backoff starts over.
        this.attempt = 0;
        this.setState('open');
        handlers.status?.(message);
        return;
      case 'notice':
        handlers.notice?.(message);
        return;
      case 'transcript':
        handlers.transcript?.(message);
        return;
      case 'error':
        handlers.error?.(message.code);
        return;
    }
  }

  private setState(state: FeedState): void {
    if (state === this.current) return;
    this.current = state;
    this.options.handlers.state?.(state);
  }
}
