import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * An HTTP (and, if asked, WebSocket) server on 127.0.0.1 at a free port, for the fakes of paid APIs: `stop()` closes every connection
 * (hanging ones included) and clears every timer set through `later`, so a test never waits on either.
 */
export class LoopbackServer {
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: Server | undefined;
  private boundPort = 0;

  constructor(
    private readonly handler: (req: IncomingMessage, res: ServerResponse) => void,
    /** WebSocket handshakes (e.g. a fake of a streaming API); without it Node refuses them. */
    private readonly upgrade?: (req: IncomingMessage, socket: Duplex) => void,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    const server = createServer(this.handler);
    const upgrade = this.upgrade;
    if (upgrade) server.on('upgrade', (req, socket) => upgrade(req, socket));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.boundPort = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Runs `fn` after `ms` unless the server stops first. */
  later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }
}
