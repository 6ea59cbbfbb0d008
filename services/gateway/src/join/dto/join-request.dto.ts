import { Transform } from 'class-transformer';
import { IsString, Matches, MaxLength, Validate, ValidateIf } from '../../validation/class-validator-lite.js';
import { GuestNameConstraint } from '../../validation/guest-name.validator.js';

/** Shared room names as guests type them; the LiveKit room is `s-<room>`. */
export const SHARED_ROOM_PATTERN = /^[a-z0-9-]{1,32}$/;
export const PASSCODE_MAX_CHARS = 128;

/**
 * `POST /api/join` (contract section 2). Unknown fields are refused by the global ValidationPipe, which stops
 * at a field's first failed rule; class-validator runs the rules bottom-up, so the type check sits lowest.
 */
export class JoinRequestDto {
  /** 1–32 characters after trimming, no control characters; becomes the participant name. */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.normalize('NFC').trim() : value))
  @Validate(GuestNameConstraint)
  name!: string;

  // `null` is a wrong type, not an absent field: only `undefined` skips the checks.
  @ValidateIf((_, value) => value !== undefined)
  @MaxLength(PASSCODE_MAX_CHARS, {
    message: `口令最多 ${PASSCODE_MAX_CHARS} 个字符 / passcode must be at most ${PASSCODE_MAX_CHARS} characters`,
  })
  @IsString({ message: '口令必须是文字 / passcode must be a string' })
  passcode?: string;

  @ValidateIf((_, value) => value !== undefined)
  @Matches(SHARED_ROOM_PATTERN, {
    message: '房间名只能用 1–32 个小写字母、数字或连字符 / room must be 1–32 of a-z, 0-9 and -',
  })
  @IsString({ message: '房间名必须是文字 / room must be a string' })
  room?: string;
}
