import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type GuestClient, Stack, sleep, waitFor } from '@dh/testing';
import { persona } from './persona-texts.js';

describe('bad lk.chat input is ignored or politely refused, and nothing crashes', () => {
  const stack = new Stack();
  let guest: GuestClient;

  before(async () => {
    await stack.start();
    guest = await stack.guest('小丽');
    await guest.waitForTranscriptions(1); // the greeting
  });
  after(() => stack.stop());

  test('an empty message gets no answer', async () => {
    const from = guest.transcriptions.length;
    await guest.say('   \n\t ');
    await sleep(2_000);
    assert.equal(guest.transcriptions.length, from);
  });

  test('a 10 kB message gets the polite "too long" reply', async () => {
    const from = guest.transcriptions.length;
    await guest.say('长'.repeat(3_400)); // 10.2 kB of UTF-8
    await waitFor('a reply', () => guest.transcriptions.length > from, 30_000);
    await sleep(800);
    assert.deepEqual(
      guest.transcriptions.slice(from).map((t) => t.text),
      [persona.replies.tooLong],
    );
  });

  test('junk is answered like any text, and every service is still healthy', async () => {
    const from = guest.transcriptions.length;
    await guest.say('\u0000\u0001ÿþ\uFFFD<script>alert(1)</script>{"a":');
    await waitFor('a reply', () => guest.transcriptions.length > from, 30_000);
    const health = await fetch(`${stack.gatewayUrl}/api/health`);
    assert.equal(health.status, 200);
    for (const service of Object.values(stack.services)) assert.ok(service.running, `${service.name} running`);
  });
});
