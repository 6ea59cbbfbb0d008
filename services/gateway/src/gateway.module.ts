import { type DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { RuntimeModule } from '@dh/runtime';
import type { GatewayConfig } from './gateway.config.js';
import { HealthController } from './health/health.controller.js';
import { HealthService } from './health/health.service.js';
import { HttpErrorFilter } from './http/http-error.filter.js';
import { validatorPackage } from './validation/class-validator-lite.js';
import { validationFailed } from './validation/validation-errors.js';
import { AvatarRequester } from './join/avatar-requester.js';
import { GuestReservations } from './join/guest-reservations.repository.js';
import { JoinController } from './join/join.controller.js';
import { JoinRateLimiter } from './join/join-rate-limiter.js';
import { JoinService } from './join/join.service.js';
import { PasscodeChecker } from './join/passcode-checker.js';
import { TokenIssuer } from './join/token-issuer.js';
import { GuestsGauge } from './livekit/guests-gauge.service.js';
import { LiveKitRooms } from './livekit/livekit-rooms.client.js';
import { AvatarImages } from './page/avatar-images.js';
import { ClientConfigController } from './page/client-config.controller.js';
import { FeedRooms } from './feed/feed-rooms.js';
import { FeedTail } from './feed/feed-tail.service.js';
import { GuestFeedGateway } from './feed/guest-feed.gateway.js';
import { GuestTokenVerifier } from './feed/guest-token.verifier.js';
import { TextFallback } from './feed/text-fallback.service.js';
import { StaticFiles } from './static/static-files.js';
import { StatusWatcher } from './status/status-watcher.service.js';
import { TrafficMeter } from './traffic/traffic-meter.service.js';
import { BandwidthGovernor } from './bandwidth/bandwidth-governor.service.js';
import { PausedCamerasRepository } from './bandwidth/paused-cameras.repository.js';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [RuntimeModule.forService('gateway', config)],
      controllers: [ClientConfigController, HealthController, JoinController],
      providers: [
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        {
          provide: APP_PIPE,
          useFactory: () =>
            new ValidationPipe({
              whitelist: true,
              forbidNonWhitelisted: true,
              forbidUnknownValues: true,
              // One message per field: a guest needs the first thing to fix, not every rule it broke.
              stopAtFirstError: true,
              transform: true,
              exceptionFactory: validationFailed,
              validatorPackage,
            }),
        },
        LiveKitRooms,
        GuestsGauge,
        HealthService,
        JoinRateLimiter,
        PasscodeChecker,
        GuestReservations,
        AvatarRequester,
        TokenIssuer,
        JoinService,
        AvatarImages,
        StaticFiles,
        StatusWatcher,
        FeedRooms,
        FeedTail,
        GuestTokenVerifier,
        TextFallback,
        GuestFeedGateway,
        TrafficMeter,
        BandwidthGovernor,
        PausedCamerasRepository,
      ],
    };
  }
}
