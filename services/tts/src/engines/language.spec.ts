import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detectLanguage } from './language.js';

void describe('detectLanguage', () => {
  void test('Chinese sentences are Mandarin', () => {
    assert.equal(detectLanguage('你好，我是开心。'), 'zh');
    assert.equal(detectLanguage('今天天气很好！'), 'zh');
  });

  void test('a few Latin words inside Chinese stay Mandarin', () => {
    assert.equal(detectLanguage('我喜欢Python和Go。'), 'zh');
    assert.equal(detectLanguage('OK，好的。'), 'zh');
  });

  void test('English sentences, and English with a Chinese word or two, are English', () => {
    assert.equal(detectLanguage('Hello, how are you today?'), 'en');
    assert.equal(detectLanguage('I love 北京 very much.'), 'en');
  });

  void test('text without letters or characters is English', () => {
    assert.equal(detectLanguage('123'), 'en');
    assert.equal(detectLanguage('……'), 'en');
    assert.equal(detectLanguage(''), 'en');
  });
});
