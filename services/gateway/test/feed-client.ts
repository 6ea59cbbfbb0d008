import WebSocket, { type ClientOptions } from 'ws';
import { waitFor } from '@dh/testing';

export interface FeedMessage {
  type: string;
  [field: string]: unknown;
}

/** A /ws client that keeps every message it gets, for tests to wait on and inspect. */
export class FeedClient {
  readonly messages: FeedMessage[] = [];
  readonly socket: WebSocket;
  /** The close code and reason, once closed. */
  closed: { code: number; reason: string } | undefined;
  private readonly opened: Promise<void>;
  private readonly taken = new Set<FeedMessage>();

  constructor(gatewayUrl: string, options: ClientOptions & { path?: string } = {}) {
    const { path = '/ws', ...wsOptions } = options;
    this.socket = new WebSocket(gatewayUrl.replace(/^http/, 'ws') + path, wsOptions);
    this.socket.on('message', (data: Buffer) => this.messages.push(JSON.parse(data.toString()) as FeedMessage));
    this.socket.on('close', (code: number, reason: Buffer) => (this.closed = { code, reason: reason.toString() }));
    this.socket.on('error', () => undefined);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    // A client that never opens (refused upgrade) is a result, not an unhandled rejection.
    this.opened.catch(() => undefined);
  }

  static async open(gatewayUrl: string, options: ClientOptions = {}): Promise<FeedClient> {
    const client = new FeedClient(gatewayUrl, options);
    await client.opened;
    return client;
  }

  /** Opens and says hello; resolves with the status that answers it. */
  static async hello(gatewayUrl: string, token: string, options: ClientOptions = {}): Promise<FeedClient> {
    const client = await FeedClient.open(gatewayUrl, options);
    client.send({ type: 'hello', token });
    await client.next('status');
    return client;
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first message of `type` (matching `where`) not yet taken by an earlier call. */
  async next(type: string, where: (m: FeedMessage) => boolean = () => true, timeoutMs = 10_000): Promise<FeedMessage> {
    const message = await waitFor(
      `a "${type}" message`,
      () => {
        const index = this.messages.findIndex((m) => m.type === type && !this.taken.has(m) && where(m));
        return index >= 0 ? this.messages[index] : undefined;
      },
      timeoutMs,
      10,
    );
    this.taken.add(message);
    return message;
  }

  of(type: string): FeedMessage[] {
    return this.messages.filter((m) => m.type === type);
  }

  async waitClosed(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    return waitFor('the socket to close', () => this.closed, timeoutMs, 10);
  }

  close(): void {
    this.socket.close();
  }
}
