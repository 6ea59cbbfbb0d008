import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { LoopbackServer } from './loopback-server.js';

/**
 * What every fake of a paid HTTP API shares: a loopback server, the requests it received, and its replies —
 * a FIFO of scripted ones, else a default builder that sees the request.
 */
export abstract class ScriptedFake<Request, Reply> {
  readonly requests: Request[] = [];
  protected readonly http = new LoopbackServer(
    (req, res) => void this.onRequest(req, res).catch(() => res.destroy()),
    (req, socket) => this.onUpgrade(req, socket),
  );
  private readonly script: Reply[] = [];
  private builder: (request: Request) => Reply;

  protected constructor(private readonly defaultBuilder: (request: Request) => Reply) {
    this.builder = defaultBuilder;
  }

  async start(): Promise<this> {
    await this.http.start();
    return this;
  }

  /** Closes the server and every open connection, hanging and delayed ones included. */
  async stop(): Promise<void> {
    await this.http.stop();
  }

  /** Scripts the next replies, first in first out. */
  enqueue(...replies: Reply[]): void {
    this.script.push(...replies);
  }

  setDefault(builder: (request: Request) => Reply): void {
    this.builder = builder;
  }

  /** Forgets scripts and recorded requests and restores the default reply. */
  reset(): void {
    this.script.length = 0;
    this.requests.length = 0;
    this.builder = this.defaultBuilder;
  }

  /** The reply to a (valid) request: the next scripted one, else the default builder's. */
  protected nextReply(request: Request): Reply {
    return this.script.shift() ?? this.builder(request);
  }

  protected abstract onRequest(req: IncomingMessage, res: ServerResponse): Promise<void>;

  /** A WebSocket handshake: refused unless the fake speaks a WebSocket protocol. */
  protected onUpgrade(_req: IncomingMessage, socket: Duplex): void {
    socket.destroy();
  }
}
