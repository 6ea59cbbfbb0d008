import type { Redis } from 'ioredis';
import { ROOM_NAME_PATTERN } from '@dh/contracts';
import type { Logger, ServiceMetrics } from '@dh/observability';
import type { IdempotencyStore, KeyPrefix, StreamProducer, TurnCancels } from '@dh/streams';
import { UtteranceIntake } from '../chat/utterance-intake.js';
import type { MediaConfig } from '../media.config.js';
import { AvatarRoom, type AvatarRoomOptions } from './avatar-room.js';
import type { LiveKitAccess } from './livekit-access.js';
import { SetupGate } from './setup-gate.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** How long the avatar keeps trying to get back into a room it lost (LiveKit restarting, network down). */
const REJOIN_WINDOW_MS = 120_000;

/**
 * Every room the avatar is in, in this one process: joins on request, leaves rooms left empty, gets back
 * into rooms after LiveKit or the network drops it, and finds rooms with guests after its own restart.
 */
export class RoomManager {
  private readonly rooms = new Map<string, AvatarRoom>();
  private readonly joining = new Map<string, Promise<AvatarRoom>>();
  private readonly leaveTimers = new Map<string, NodeJS.Timeout>();
  /** Joins run one at a time: concurrent WebRTC setups leave far more native memory behind (see SetupGate). */
  private readonly setupGate = new SetupGate();
  private stopped = false;

  constructor(
    private readonly config: MediaConfig,
    private readonly livekit: LiveKitAccess,
    private readonly redis: Redis,
    private readonly keys: KeyPrefix,
    private readonly producer: StreamProducer,
    private readonly idempotency: IdempotencyStore,
    private readonly metrics: ServiceMetrics,
    private readonly logger: Logger,
    private readonly cancels: TurnCancels,
  ) {}

  private listening: AvatarRoomOptions['listening'];

  /** Voice input for rooms joined from now on (called once at start, before any room). */
  enableListening(listening: NonNullable<AvatarRoomOptions['listening']>): void {
    this.listening = listening;
  }

  get(name: string): AvatarRoom | undefined {
    return this.rooms.get(name);
  }

  /** Joins `name` unless already there; resolves once the avatar is in the room. */
  async ensure(name: string): Promise<AvatarRoom> {
    const existing = this.rooms.get(name);
    if (existing) return existing;
    const pending = this.joining.get(name);
    if (pending) return pending;
    const join = this.join(name).finally(() => this.joining.delete(name));
    this.joining.set(name, join);
    return join;
  }

  /** After a restart: rooms that have guests but no avatar get one again. */
  async recover(): Promise<void> {
    // Every room is asked for its participants: LiveKit's room list reports 0 for guests who publish nothing.
    for (const room of await this.livekit.roomsWithGuests((name) => ROOM_NAME_PATTERN.test(name))) {
      this.logger.info({ room }, 'rejoining room with guests after restart');
      await this.ensure(room).catch((error: unknown) =>
        this.logger.error({ room, err: (error as Error).message }, 'rejoin after restart failed'),
      );
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.leaveTimers.values()) clearTimeout(timer);
    this.leaveTimers.clear();
    await Promise.allSettled([...this.rooms.values()].map((room) => room.close()));
    this.rooms.clear();
    this.metrics.rooms.set(0);
  }

  private async join(name: string): Promise<AvatarRoom> {
    const intake = new UtteranceIntake(
      name,
      this.redis,
      this.keys,
      this.producer,
      this.idempotency,
      this.metrics,
      this.logger,
      this.config.CHAT_MAX_PENDING_PER_GUEST,
    );
    const room = new AvatarRoom({
      name,
      url: this.livekit.url,
      token: () => this.livekit.avatarToken(name),
      intake,
      cancels: this.cancels,
      metrics: this.metrics,
      logger: this.logger,
      audioQueueMs: this.config.AUDIO_QUEUE_MS,
      voiceKbps: this.config.AVATAR_VOICE_KBPS,
      turnStallMs: this.config.TURN_STALL_MS,
      chatMaxBytes: this.config.CHAT_MAX_BYTES,
      onEmpty: (r) => this.scheduleLeave(r),
      onGuestArrived: (r) => this.cancelLeave(r.name),
      onLost: (r) => void this.rejoin(r),
      lookupGuest: (roomName, identity) => this.livekit.lookupGuest(roomName, identity),
      ...(this.listening ? { listening: this.listening } : {}),
    });
    try {
      await this.setupGate.run(() => room.connect());
    } catch (error) {
      await room.close();
      throw error;
    }
    this.rooms.set(name, room);
    this.metrics.rooms.set(this.rooms.size);
    // Asked in by the gateway for a guest who may still be loading the page: leave if nobody comes.
    if (room.guestCount === 0) this.scheduleLeave(room);
    return room;
  }

  private scheduleLeave(room: AvatarRoom): void {
    if (this.leaveTimers.has(room.name) || this.stopped) return;
    const timer = setTimeout(() => {
      this.leaveTimers.delete(room.name);
      if (room.guestCount > 0 || this.rooms.get(room.name) !== room) return;
      this.rooms.delete(room.name);
      this.metrics.rooms.set(this.rooms.size);
      void room.close();
    }, this.config.ROOM_IDLE_LEAVE_S * 1000);
    this.leaveTimers.set(room.name, timer);
  }

  private cancelLeave(name: string): void {
    clearTimeout(this.leaveTimers.get(name));
    this.leaveTimers.delete(name);
  }

  /** Gets back into a room whose connection dropped for good, with backoff, for up to two minutes. */
  private async rejoin(room: AvatarRoom): Promise<void> {
    const deadline = Date.now() + REJOIN_WINDOW_MS;
    for (let attempt = 1; !this.stopped && Date.now() < deadline; attempt += 1) {
      if (this.rooms.get(room.name) !== room) return;
      await sleep(Math.min(500 * 2 ** (attempt - 1), 5_000));
      try {
        await this.setupGate.run(() => room.connect());
        this.logger.info({ room: room.name, attempt }, 'avatar rejoined room');
        if (room.guestCount === 0) this.scheduleLeave(room);
        return;
      } catch (error) {
        this.logger.warn({ room: room.name, attempt, err: (error as Error).message }, 'rejoin failed; retrying');
      }
    }
    if (this.rooms.get(room.name) === room) {
      this.rooms.delete(room.name);
      this.metrics.rooms.set(this.rooms.size);
      await room.close();
    }
  }
}
