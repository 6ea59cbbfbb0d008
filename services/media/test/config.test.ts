import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServiceProcess } from '@dh/testing';

test('a bad variable stops media at start with one line naming it', async () => {
  const media = new ServiceProcess({
    name: 'media',
    env: { ROOM_IDLE_LEAVE_S: 'soon', REDIS_URL: 'redis://127.0.0.1:1' },
  });
  const { code, output } = await media.runToExit();
  assert.equal(code, 78);
  assert.equal(output.length, 1);
  assert.match(output[0]!, /ROOM_IDLE_LEAVE_S must be an integer, got "soon"/);
});

test('a LiveKit URL that is not one stops media too', async () => {
  const media = new ServiceProcess({ name: 'media', env: { LIVEKIT_URL: 'not a url' } });
  const { code, output } = await media.runToExit();
  assert.equal(code, 78);
  assert.match(output.join('\n'), /LIVEKIT_URL must be a URL/);
});
