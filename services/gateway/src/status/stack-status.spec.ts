import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusFromHeartbeats } from './stack-status.js';

const beat = (flags?: Record<string, unknown>) =>
  JSON.stringify({ pid: 1, startedAt: 0, at: 0, ...(flags ? { flags } : {}) });

test('all three heartbeats: healthy, with the flags of dialogue and media', () => {
  assert.deepEqual(
    statusFromHeartbeats([beat({ llm: 'offline', messageMaxChars: 120 }), beat(), beat({ voiceInput: true })]),
    { llm: 'offline', voiceInput: true, healthy: true, messageMaxChars: 120 },
  );
});

test('the month’s LLM budget spent is passed on as "budget"; an unknown value is online', () => {
  assert.equal(statusFromHeartbeats([beat({ llm: 'budget' }), beat(), beat()]).llm, 'budget');
  assert.equal(statusFromHeartbeats([beat({ llm: 'sleeping' }), beat(), beat()]).llm, 'online');
});

test('a missing dialogue is unhealthy, not offline (the offline persona is not answering either)', () => {
  assert.deepEqual(statusFromHeartbeats([null, beat(), beat({ voiceInput: false })]), {
    llm: 'online',
    voiceInput: false,
    healthy: false,
    messageMaxChars: 300,
  });
});

test('broken or odd values fall back to the defaults', () => {
  assert.deepEqual(statusFromHeartbeats(['{broken', beat(), beat({ voiceInput: 'yes' })]), {
    llm: 'online',
    voiceInput: false,
    healthy: true,
    messageMaxChars: 300,
  });
  assert.equal(statusFromHeartbeats([beat({ messageMaxChars: 1.5 }), null, null]).messageMaxChars, 300);
  assert.equal(statusFromHeartbeats([]).healthy, false);
});
