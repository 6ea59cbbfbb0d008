import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { format, initialLang, placeholders, translate } from './i18n.js';
import { messages } from './messages.js';

describe('i18n messages', () => {
  test('every message has Chinese and English text', () => {
    for (const [key, text] of Object.entries(messages)) {
      assert.ok(text.zh.trim().length > 0, `${key} has no zh`);
      assert.ok(text.en.trim().length > 0, `${key} has no en`);
    }
  });

  test('both languages of a message use the same parameters', () => {
    for (const [key, text] of Object.entries(messages)) {
      assert.deepEqual(placeholders(text.zh), placeholders(text.en), key);
    }
  });

  test('the Chinese text is Chinese and the English text is not', () => {
    const han = /\p{Script=Han}/u;
    // The language switch names the other language, and the avatar's name is 开心 in both.
    const exempt = new Set(['langToggleText', 'avatarName']);
    for (const [key, text] of Object.entries(messages)) {
      if (exempt.has(key)) continue;
      assert.match(text.zh, han, `${key} zh`);
      assert.doesNotMatch(text.en, han, `${key} en`);
    }
  });
});

describe('i18n helpers', () => {
  test('Chinese unless English was chosen', () => {
    assert.equal(initialLang(null), 'zh');
    assert.equal(initialLang('fr'), 'zh');
    assert.equal(initialLang('en'), 'en');
  });

  test('format fills parameters and leaves unknown ones visible', () => {
    assert.equal(format('{n} left of {max}', { n: 3, max: 10 }), '3 left of 10');
    assert.equal(format('hi {who}', {}), 'hi {who}');
  });

  test('translate reads the table or a server pair', () => {
    assert.equal(translate('en', { key: 'chatLeft', params: { n: 5 } }), '5 characters left');
    assert.equal(translate('zh', { key: 'chatLeft', params: { n: 5 } }), '还可输入 5 字');
    assert.equal(translate('en', { zh: '离线', en: 'offline' }), 'offline');
  });
});
