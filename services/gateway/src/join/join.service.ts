import { Inject, Injectable } from '@nestjs/common';
import type { Logger, ServiceMetrics } from '@dh/observability';
import { CONFIG, LOGGER, METRICS } from '@dh/runtime';
import type { GatewayConfig } from '../gateway.config.js';
import { Mutex } from '../common/mutex.js';
import { withTimeout } from '../common/with-timeout.js';
import { Errors, GatewayError } from '../http/gateway-error.js';
import { LiveKitRooms, type RoomsSnapshot } from '../livekit/livekit-rooms.client.js';
import { AvatarRequester } from './avatar-requester.js';
import type { JoinRequestDto } from './dto/join-request.dto.js';
import { GuestReservations } from './guest-reservations.repository.js';
import { JoinRateLimiter, normalizeAddress } from './join-rate-limiter.js';
import { PasscodeChecker } from './passcode-checker.js';
import { guestIdentity, privateRoomName, sharedRoomName } from './room-names.js';
import { BandwidthGovernor } from '../bandwidth/bandwidth-governor.service.js';
import { TokenIssuer } from './token-issuer.js';

/** `200` of `POST /api/join` (contract section 2). */
export interface JoinResponse {
  url: string;
  token: string;
  room: string;
  identity: string;
}

/** Redis answers in milliseconds; this only bounds a join while Redis is away. */
const REDIS_TIMEOUT_MS = 2_000;
const LIVEKIT_TIMEOUT_MS = 4_000;

/**
 * Admission of a guest: rate limit per address, then passcode, then capacity across all rooms, then a token
 * for their room; a room without the avatar gets one asked for.
 */
@Injectable()
export class JoinService {
  /** Capacity check and reservation happen under it, so two joins cannot both take the last place. */
  private readonly admission = new Mutex();

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    private readonly rateLimiter: JoinRateLimiter,
    private readonly passcode: PasscodeChecker,
    private readonly rooms: LiveKitRooms,
    private readonly reservations: GuestReservations,
    private readonly avatar: AvatarRequester,
    private readonly tokens: TokenIssuer,
    private readonly governor: BandwidthGovernor,
  ) {}

  async join(request: JoinRequestDto, address: string | undefined): Promise<JoinResponse> {
    try {
      const response = await this.admit(request, normalizeAddress(address));
      this.metrics.joins.inc({ result: 'ok' });
      return response;
    } catch (error) {
      this.metrics.joins.inc({ result: error instanceof GatewayError ? error.result : 'error' });
      throw error;
    }
  }

  private async admit(request: JoinRequestDto, address: string): Promise<JoinResponse> {
    const retryAfterS = await this.dependency('redis', this.rateLimiter.hit(address), REDIS_TIMEOUT_MS);
    if (retryAfterS !== null) throw Errors.rateLimited(retryAfterS);
    this.passcode.check(request.passcode);

    const room = request.room === undefined ? privateRoomName() : sharedRoomName(request.room);
    const identity = guestIdentity();
    const snapshot = await this.admission.run(() => this.reservePlace(identity));
    if (!snapshot.roomsWithAvatar.has(room)) {
      try {
        await this.dependency('redis', this.avatar.request(room), REDIS_TIMEOUT_MS);
      } catch (error) {
        await this.reservations.release(identity).catch(() => undefined);
        throw error;
      }
    }
    const token = await this.tokens.issue({ identity, name: request.name, room });
    this.logger.info({ shared: request.room !== undefined }, 'guest admitted');
    return { url: this.config.LIVEKIT_PUBLIC_URL, token, room, identity };
  }

  private async reservePlace(identity: string): Promise<RoomsSnapshot> {
    const snapshot = await this.dependency('livekit', this.rooms.snapshot(), LIVEKIT_TIMEOUT_MS);
    this.metrics.guests.set(snapshot.guestCount);
    const pending = await this.dependency('redis', this.reservations.live(snapshot.guests), REDIS_TIMEOUT_MS);
    if (snapshot.guestCount + pending.length >= this.config.MAX_GUESTS) throw Errors.full();
    if (!this.governor.admitsGuest()) throw Errors.bandwidthFull();
    await this.dependency('redis', this.reservations.reserve(identity), REDIS_TIMEOUT_MS);
    return snapshot;
  }

  /** A dependency that fails or hangs makes the stack "not ready" (503), not a 500. */
  private async dependency<T>(name: 'redis' | 'livekit', work: Promise<T>, timeoutMs: number): Promise<T> {
    try {
      return await withTimeout(work, timeoutMs, name);
    } catch (error) {
      this.logger.warn({ dependency: name, err: (error as Error).message }, 'join dependency unavailable');
      throw Errors.notReady();
    }
  }
}
