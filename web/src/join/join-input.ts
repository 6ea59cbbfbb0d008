import type { Text } from '../i18n/i18n.js';

export const NAME_STORAGE_KEY = 'dh.name';

/** Shared room names as the gateway accepts them (contract section 2). */
const ROOM_PATTERN = /^[a-z0-9-]{1,32}$/;
// The gateway refuses these in names; checking here saves a round trip.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Characters as the server counts them (code points), not UTF-16 units. */
export function charCount(text: string): number {
  return [...text].length;
}

/** What is wrong with a name before it is sent, or null. */
export function nameIssue(raw: string, maxChars: number): Text | null {
  const name = raw.trim();
  if (name === '') return { key: 'errNameEmpty' };
  if (charCount(name) > maxChars) return { key: 'errNameTooLong', params: { max: maxChars } };
  if (CONTROL.test(name)) return { key: 'errInvalid' };
  return null;
}

export interface RoomChoice {
  /** The shared room to join, or null for a private room. */
  room: string | null;
  /** `?room=` was given but is not a valid room name. */
  invalid: boolean;
}

/** `?room=<name>` of the page's address. */
export function roomFromQuery(search: string): RoomChoice {
  const value = new URLSearchParams(search).get('room');
  if (value === null || value === '') return { room: null, invalid: false };
  const room = value.trim().toLowerCase();
  return ROOM_PATTERN.test(room) ? { room, invalid: false } : { room: null, invalid: true };
}
