/** The part of a `ws` WebSocket the feed uses (the ws package ships no types). */
export interface FeedSocket {
  readonly readyState: number;
  /** Bytes queued for sending and not yet written to the network. */
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  ping(): void;
  on(event: 'pong', listener: () => void): unknown;
}

export const OPEN = 1;
export const CLOSED = 3;
