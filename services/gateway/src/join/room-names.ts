import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters of [a-z0-9] from the CSPRNG: room names and identities must not be guessable. */
export function randomId(length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** A guest's own room with the avatar (36^10 names: nobody stumbles into someone else's). */
export function privateRoomName(): string {
  return `p-${randomId(10)}`;
}

/** The room that everyone who typed the same `room` shares. */
export function sharedRoomName(room: string): string {
  return `s-${room}`;
}

export function guestIdentity(): string {
  return `g-${randomId(16)}`;
}
