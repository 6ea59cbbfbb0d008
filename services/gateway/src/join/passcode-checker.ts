import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '@dh/runtime';
import type { GatewayConfig } from '../gateway.config.js';
import { Errors } from '../http/gateway-error.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** GUEST_PASSCODE, when set. Compared in constant time over digests, so neither content nor length leaks. */
@Injectable()
export class PasscodeChecker {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(CONFIG) config: GatewayConfig) {
    this.expected = config.GUEST_PASSCODE === '' ? undefined : digest(config.GUEST_PASSCODE);
  }

  get required(): boolean {
    return this.expected !== undefined;
  }

  /** Throws the 401 GatewayError when a passcode is required and `given` is missing or wrong. */
  check(given: string | undefined): void {
    if (this.expected === undefined) return;
    if (given === undefined || given === '') throw Errors.passcodeMissing();
    if (!timingSafeEqual(digest(given), this.expected)) throw Errors.passcodeWrong();
  }
}
