import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextVoice, speechDurationMs } from './text-voice.js';

test('longer answers take longer, within bounds', () => {
  assert.equal(speechDurationMs('好'), 1000);
  assert.ok(speechDurationMs('今天天气真好，我们出去走走吧。') > speechDurationMs('你好！'));
  assert.equal(speechDurationMs('字'.repeat(500)), 9000);
});

test('sentences queue, and the mouth is still once they are said', () => {
  const voice = new TextVoice();
  voice.speak('你好，我是开心。', 0);
  voice.speak('很高兴认识你！', 100);
  const total = speechDurationMs('你好，我是开心。') + speechDurationMs('很高兴认识你！');
  assert.equal(voice.remainingMs(0), total);
  assert.equal(voice.speaking(total - 1), true);
  assert.equal(voice.speaking(total), false);
  assert.equal(voice.level(total + 5), 0);
  const levels = Array.from({ length: 100 }, (_, i) => voice.level(i * 16));
  assert.ok(Math.max(...levels) > 0.5);
});
