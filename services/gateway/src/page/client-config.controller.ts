import { Controller, Get, Header } from '@nestjs/common';
import { NAME_MAX_CHARS } from '@dh/contracts';
import { PasscodeChecker } from '../join/passcode-checker.js';

export interface ClientConfig {
  passcodeRequired: boolean;
  nameMaxChars: number;
}

/** `GET /api/config`: what the guest page needs to know before it draws the join form. */
@Controller('api/config')
export class ClientConfigController {
  constructor(private readonly passcode: PasscodeChecker) {}

  @Get()
  @Header('Cache-Control', 'no-cache')
  config(): ClientConfig {
    return { passcodeRequired: this.passcode.required, nameMaxChars: NAME_MAX_CHARS };
  }
}
