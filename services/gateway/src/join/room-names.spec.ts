import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOM_NAME_PATTERN } from '@dh/contracts';
import { guestIdentity, privateRoomName, sharedRoomName } from './room-names.js';

test('room names fit the contract pattern and private ones are random', () => {
  const names = new Set(Array.from({ length: 200 }, () => privateRoomName()));
  assert.equal(names.size, 200);
  for (const name of names) assert.match(name, /^p-[a-z0-9]{10}$/);
  for (const name of [...names, sharedRoomName('family-1'), sharedRoomName('a'.repeat(32))])
    assert.match(name, ROOM_NAME_PATTERN);
  assert.equal(sharedRoomName('family'), 's-family');
  assert.match(guestIdentity(), /^g-[a-z0-9]{16}$/);
});
