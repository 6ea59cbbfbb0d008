import { Controller, Get, Header } from '@nestjs/common';
import { type ClientConfig, NAME_MAX_CHARS } from '@dh/contracts';
import { withTimeout } from '../common/with-timeout.js';
import { PasscodeChecker } from '../join/passcode-checker.js';
import { StatusWatcher } from '../status/status-watcher.service.js';
import { AvatarImages } from './avatar-images.js';

/** Redis answers in milliseconds; without it the last known status is good enough for a page load. */
const STATUS_TIMEOUT_MS = 1_000;

/** `GET /api/config`: what the guest page needs to know before it draws the join form and the room. */
@Controller('api/config')
export class ClientConfigController {
  constructor(
    private readonly passcode: PasscodeChecker,
    private readonly status: StatusWatcher,
    private readonly avatar: AvatarImages,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-cache')
  async config(): Promise<ClientConfig> {
    // The page loads without Redis too (it then says the stack is not ready when the guest joins).
    const [status, avatar] = await Promise.all([
      withTimeout(this.status.read(), STATUS_TIMEOUT_MS, 'status').catch(() => this.status.status),
      this.avatar.urls(),
    ]);
    return {
      passcodeRequired: this.passcode.required,
      nameMaxChars: NAME_MAX_CHARS,
      messageMaxChars: status.messageMaxChars,
      llm: status.llm,
      voiceInput: status.voiceInput,
      avatar,
    };
  }
}
