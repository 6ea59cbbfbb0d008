import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { audioKeyFor } from './audio-cache.js';

void describe('audioKeyFor', () => {
  void test('is a stable tts:audio:<sha256> key', () => {
    const key = audioKeyFor('espeak', 'cmn|175', '你好');
    assert.match(key, /^tts:audio:[0-9a-f]{64}$/);
    assert.equal(audioKeyFor('espeak', 'cmn|175', '你好'), key);
  });

  void test('differs when engine, voice, speed or text differ', () => {
    const keys = new Set([
      audioKeyFor('espeak', 'cmn|175', '你好'),
      audioKeyFor('edge', 'cmn|175', '你好'),
      audioKeyFor('espeak', 'en-us|175', '你好'),
      audioKeyFor('espeak', 'cmn|200', '你好'),
      audioKeyFor('espeak', 'cmn|175', '你好。'),
    ]);
    assert.equal(keys.size, 5);
  });
});
