import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { charCount, nameIssue, roomFromQuery } from './join-input.js';
import { describeJoinFailure, joinFailureFromStatus, parseRetryAfter, waitSeconds } from '../api/join-failure.js';
import { parseClientConfig } from '../api/client-config.js';

describe('join input', () => {
  test('names: trimmed, not empty, at most the limit in code points, no control characters', () => {
    assert.equal(nameIssue('  小明 ', 32), null);
    assert.deepEqual(nameIssue('   ', 32), { key: 'errNameEmpty' });
    assert.deepEqual(nameIssue('a'.repeat(33), 32), { key: 'errNameTooLong', params: { max: 32 } });
    assert.equal(nameIssue('😀'.repeat(32), 32), null, 'emoji count as one character each');
    assert.deepEqual(nameIssue('a\u0007b', 32), { key: 'errInvalid' });
    assert.equal(charCount('开心😀'), 3);
  });

  test('?room= picks a shared room when valid', () => {
    assert.deepEqual(roomFromQuery(''), { room: null, invalid: false });
    assert.deepEqual(roomFromQuery('?room=family-1'), { room: 'family-1', invalid: false });
    assert.deepEqual(roomFromQuery('?room=Family'), { room: 'family', invalid: false });
    assert.deepEqual(roomFromQuery('?room=no%20spaces'), { room: null, invalid: true });
    assert.deepEqual(roomFromQuery(`?room=${'x'.repeat(33)}`), { room: null, invalid: true });
  });
});

describe('join failures', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');

  test('Retry-After in seconds or as a date', () => {
    assert.equal(parseRetryAfter('42', now), 42);
    assert.equal(parseRetryAfter('Wed, 25 Nov 2026 12:00:30 GMT', now), 30);
    assert.equal(parseRetryAfter(null, now), null);
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter('999999', now), 600);
  });

  test('each status becomes a friendly message, never the server JSON', () => {
    const describe = (status: number, retryAfter: string | null, passcode = false) =>
      describeJoinFailure(joinFailureFromStatus(status, retryAfter, passcode, now));
    assert.deepEqual(describe(400, null), { key: 'errInvalid' });
    assert.deepEqual(describe(401, null, false), { key: 'errPasscodeMissing' });
    assert.deepEqual(describe(401, null, true), { key: 'errPasscodeWrong' });
    assert.deepEqual(describe(429, '17'), { key: 'errRateLimited', params: { seconds: 17 } });
    assert.deepEqual(describe(503, '5'), { key: 'errFull', params: { seconds: 5 } });
    assert.deepEqual(describe(502, null), { key: 'errFull', params: { seconds: 10 } });
    const unavailable = (reason: string | null) =>
      describeJoinFailure(joinFailureFromStatus(503, '30', false, now, reason));
    assert.deepEqual(unavailable('bandwidth'), { key: 'errBandwidth', params: { seconds: 30 } });
    assert.deepEqual(unavailable('full'), { key: 'errNoPlace', params: { seconds: 30 } });
    assert.deepEqual(unavailable('unavailable'), { key: 'errFull', params: { seconds: 30 } });
    assert.deepEqual(unavailable('something else'), { key: 'errFull', params: { seconds: 30 } });
    assert.deepEqual(describe(500, null), { key: 'errUnknown', params: { status: 500 } });
    assert.deepEqual(describeJoinFailure({ kind: 'network' }), { key: 'errNetwork' });
  });

  test('429 and 503 make the guest wait, with a default when Retry-After is missing', () => {
    assert.equal(waitSeconds(joinFailureFromStatus(429, '17', false, now)), 17);
    assert.equal(waitSeconds(joinFailureFromStatus(429, null, false, now)), 60);
    assert.equal(waitSeconds(joinFailureFromStatus(503, '0', false, now)), 1);
    assert.equal(waitSeconds(joinFailureFromStatus(401, '17', true, now)), 0);
    assert.deepEqual(describeJoinFailure(joinFailureFromStatus(429, '17', false, now), 3), {
      key: 'errRateLimited',
      params: { seconds: 3 },
    });
  });
});

describe('client config', () => {
  test('reads the fields and keeps defaults for odd ones', () => {
    const config = parseClientConfig({
      passcodeRequired: true,
      nameMaxChars: 20,
      messageMaxChars: 0,
      llm: 'offline',
      voiceInput: true,
      avatar: {
        idle: '/avatar/idle.png',
        mouthHalf: '/avatar/mouth-half.png',
        mouthOpen: '/avatar/mouth-open.png',
        blink: '/avatar/blink.png',
      },
    });
    assert.equal(config.passcodeRequired, true);
    assert.equal(config.nameMaxChars, 20);
    assert.equal(config.messageMaxChars, 300);
    assert.equal(config.llm, 'offline');
    assert.equal(config.voiceInput, true);
    assert.equal(config.avatar?.mouthOpen, '/avatar/mouth-open.png');
  });

  test("the LLM state: online, offline, or the month's budget spent; anything else is online", () => {
    assert.equal(parseClientConfig({ llm: 'budget' }).llm, 'budget');
    assert.equal(parseClientConfig({ llm: 'online' }).llm, 'online');
    assert.equal(parseClientConfig({ llm: 'maybe' }).llm, 'online');
    assert.equal(parseClientConfig({}).llm, 'online');
  });

  test('avatar images only from this server', () => {
    const images = { idle: '//cdn.example/i.png', mouthHalf: '/a', mouthOpen: '/b', blink: '/c' };
    assert.equal(parseClientConfig({ avatar: images }).avatar, null);
    assert.equal(parseClientConfig({ avatar: { ...images, idle: 'https://x/y.png' } }).avatar, null);
    assert.equal(parseClientConfig(null).passcodeRequired, false);
    assert.equal(parseClientConfig({ avatar: null }).avatar, null);
  });
});
