import { type BeforeApplicationShutdown, Inject, type OnApplicationBootstrap } from '@nestjs/common';
import {
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Logger } from '@dh/observability';
import { AccessTokenError } from '@dh/livekit';
import { CONFIG, LOGGER } from '@dh/runtime';
import type { GatewayConfig } from '../gateway.config.js';
import type { StackStatus } from '../status/stack-status.js';
import { StatusWatcher } from '../status/status-watcher.service.js';
import { Close, FRAME_HARD_MAX_BYTES, type FeedError, FeedErrors, StatusNotices } from './feed-protocol.js';
import { FeedRooms } from './feed-rooms.js';
import { FeedSession } from './feed-session.js';
import { CLOSED, type FeedSocket } from './feed-socket.js';
import { GuestTokenVerifier } from './guest-token.verifier.js';
import { TextFallback } from './text-fallback.service.js';

/** A connection that has not said a valid hello by then is closed. */
const HELLO_TIMEOUT_MS = 10_000;
/** On shutdown, clients get this long to answer the close before they are cut off. */
const CLOSE_GRACE_MS = 1_000;

function statusMessage(status: StackStatus) {
  return { type: 'status', llm: status.llm, voiceInput: status.voiceInput, healthy: status.healthy } as const;
}

/**
 * `/ws` on the HTTP port: the page's feed of status and notices, and the text fallback when WebRTC cannot
 * connect (the guest's `say` becomes an utterance; the avatar's sentences come back as `transcript`).
 * Never logs tokens, names or text.
 */
@WebSocketGateway({ path: '/ws', maxPayload: FRAME_HARD_MAX_BYTES })
export class GuestFeedGateway
  implements OnGatewayConnection, OnGatewayDisconnect, OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly sessions = new Map<FeedSocket, FeedSession>();
  private pingTimer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly rooms: FeedRooms,
    private readonly tokens: GuestTokenVerifier,
    private readonly fallback: TextFallback,
    private readonly status: StatusWatcher,
  ) {}

  onApplicationBootstrap(): void {
    this.status.onChange((next, previous) => this.statusChanged(next, previous));
    this.pingTimer = setInterval(() => this.pingAll(), this.config.WS_PING_INTERVAL_MS);
  }

  handleConnection(socket: FeedSocket): void {
    if (this.closing || this.sessions.size >= this.config.WS_MAX_CLIENTS) {
      socket.close(Close.tryAgainLater, 'busy');
      return;
    }
    const session = new FeedSession(socket);
    this.sessions.set(socket, session);
    socket.on('pong', () => (session.alive = true));
    session.helloTimer = setTimeout(() => {
      if (!session.guest) session.refuse(FeedErrors.helloTimeout);
    }, HELLO_TIMEOUT_MS);
  }

  handleDisconnect(socket: FeedSocket): void {
    const session = this.sessions.get(socket);
    if (!session) return;
    clearTimeout(session.helloTimer);
    this.rooms.remove(session);
    this.sessions.delete(socket);
  }

  @SubscribeMessage('hello')
  hello(socket: FeedSocket, frame: { token: string }): void {
    const session = this.sessions.get(socket);
    session?.enqueue(() => this.authenticate(session, frame.token));
  }

  @SubscribeMessage('say')
  say(socket: FeedSocket, frame: { text: string }): void {
    const session = this.sessions.get(socket);
    session?.enqueue(() => this.handleSay(session, frame.text));
  }

  @SubscribeMessage('invalid')
  invalid(socket: FeedSocket, error: FeedError): void {
    const session = this.sessions.get(socket);
    session?.enqueue(() => session.error(error));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearInterval(this.pingTimer);
    const sockets = [...this.sessions.keys()];
    for (const socket of sockets) socket.close(Close.goingAway, 'server shutting down');
    // The page reconnects with backoff; a clean close lets it tell a restart from a network failure.
    const deadline = Date.now() + CLOSE_GRACE_MS;
    while (sockets.some((s) => s.readyState !== CLOSED) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const socket of sockets) if (socket.readyState !== CLOSED) socket.terminate();
  }

  private async authenticate(session: FeedSession, token: string): Promise<void> {
    if (session.guest) return session.error(FeedErrors.helloTwice);
    try {
      session.guest = await this.tokens.verify(token);
    } catch (error) {
      const reason = error instanceof AccessTokenError ? error.message : 'verification failed';
      this.logger.info({ reason }, 'feed hello refused');
      return session.refuse(FeedErrors.badToken);
    }
    clearTimeout(session.helloTimer);
    // Before joining the room: a change found now reaches the others, and this session hears it below.
    const status = await this.status.refresh();
    // It may have gone while the token was being checked.
    if (!this.sessions.has(session.socket)) return;
    this.rooms.add(session);
    this.logger.debug({ room: session.guest.room }, 'feed hello accepted');
    session.send(statusMessage(status));
    if (status.llm === 'offline') session.send(StatusNotices.offline);
    if (!status.voiceInput) session.send(StatusNotices.voiceOff);
  }

  private async handleSay(session: FeedSession, text: string): Promise<void> {
    if (!session.guest) return session.refuse(FeedErrors.helloFirst);
    if (!session.says.hit()) return session.error(FeedErrors.rateLimited);
    try {
      await this.fallback.say(session.guest, text);
    } catch (error) {
      this.logger.warn({ room: session.guest.room, err: (error as Error).message }, 'fallback utterance not sent');
      session.error(FeedErrors.unavailable);
    }
  }

  private statusChanged(next: StackStatus, previous: StackStatus): void {
    const visible =
      next.llm !== previous.llm || next.voiceInput !== previous.voiceInput || next.healthy !== previous.healthy;
    if (visible) this.rooms.send(undefined, statusMessage(next));
    if (next.llm === 'offline' && previous.llm !== 'offline') this.rooms.send(undefined, StatusNotices.offline);
    if (!next.voiceInput && previous.voiceInput) this.rooms.send(undefined, StatusNotices.voiceOff);
  }

  private pingAll(): void {
    for (const session of this.sessions.values()) {
      if (!session.alive) {
        session.socket.terminate();
        continue;
      }
      session.alive = false;
      session.socket.ping();
    }
  }
}
