import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SentenceSplitter, type SentenceSplitterOptions } from './sentence-splitter.js';

/** Feeds `text` in pieces of `step` characters, as a stream would, and collects every sentence. */
function split(text: string, step = 3, options: SentenceSplitterOptions = {}): string[] {
  const splitter = new SentenceSplitter(options);
  const chars = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += step) out.push(...splitter.push(chars.slice(i, i + step).join('')));
  out.push(...splitter.flush());
  return out;
}

describe('SentenceSplitter', () => {
  test('cuts Chinese text at 。！？；…', () => {
    assert.deepEqual(split('今天天气真好！我们去公园吧？公园里人很多；还有很多花。真开心……'), [
      '今天天气真好！',
      '我们去公园吧？',
      '公园里人很多；',
      '还有很多花。',
      '真开心……',
    ]);
  });

  test('cuts English text at . ! ? ; and keeps the closing quote with its sentence', () => {
    assert.deepEqual(split('Hello there, friend! How are you? I said "fine." Then we left; it rained.'), [
      'Hello there, friend!',
      'How are you?',
      'I said "fine."',
      'Then we left;',
      'it rained.',
    ]);
  });

  test('handles mixed Chinese and English', () => {
    assert.deepEqual(split('我喜欢 Python 编程。It is fun! 你呢？'), ['我喜欢 Python 编程。', 'It is fun!', '你呢？']);
  });

  test('does not cut decimals, abbreviations, initials or list numbers', () => {
    assert.deepEqual(split('Pi is about 3.14 today. See e.g. the docs, or ask Dr. Lee and J. K. Rowling. 1. Done'), [
      'Pi is about 3.14 today.',
      'See e.g. the docs, or ask Dr. Lee and J. K. Rowling.',
      'Done',
    ]);
    assert.deepEqual(split('圆周率约为3.14。版本1.2.3已发布。'), ['圆周率约为3.14。', '版本1.2.3已发布。']);
  });

  test('waits for the character after a terminator before cutting', () => {
    const splitter = new SentenceSplitter();
    assert.deepEqual(splitter.push('It costs 3.'), []);
    assert.deepEqual(splitter.push('50 dollars. Wow'), ['It costs 3.50 dollars.']);
    assert.deepEqual(splitter.push('!'), []);
    assert.deepEqual(splitter.flush(), ['Wow!']);
  });

  test('emits a sentence as soon as it is complete', () => {
    const splitter = new SentenceSplitter();
    assert.deepEqual(splitter.push('你好呀朋友！我'), ['你好呀朋友！']);
    assert.deepEqual(splitter.push('是开心。'), []);
    assert.deepEqual(splitter.flush(), ['我是开心。']);
  });

  test('cuts at newlines', () => {
    assert.deepEqual(split('第一行没有标点\n第二行也没有\n\n第三行'), ['第一行没有标点', '第二行也没有', '第三行']);
  });

  test('caps long runs, at a comma or space when there is one', () => {
    const commas = split('我喜欢你，也喜欢他，'.repeat(10), 5, { maxChars: 30 });
    assert.ok(commas.length >= 3);
    for (const sentence of commas) {
      assert.ok(Array.from(sentence).length <= 30, sentence);
      assert.ok(sentence.endsWith('，'), `cut at a comma: ${sentence}`);
    }
    assert.equal(commas.join(''), '我喜欢你，也喜欢他，'.repeat(10));

    const words = split('one two three four five six seven eight nine ten eleven twelve', 4, { maxChars: 20 });
    for (const sentence of words) assert.ok(sentence.length <= 20, sentence);
    assert.equal(words.join(' '), 'one two three four five six seven eight nine ten eleven twelve');

    const solid = split('没'.repeat(50), 7, { maxChars: 20 });
    assert.deepEqual(
      solid.map((s) => s.length),
      [20, 20, 10],
    );
  });

  test('removes markdown symbols and emoji that TTS would read aloud', () => {
    assert.deepEqual(
      split('## 今天的标题\n**加粗**的文字 😀👍🏽！\n- 第一项 `code`\n1. 第二项 [链接](https://x.y)\n---\n> 引用的话'),
      ['今天的标题', '加粗的文字！', '第一项 code', '第二项 链接', '引用的话'],
    );
  });

  test('merges fragments too short to be worth a job', () => {
    assert.deepEqual(split('嗯。我知道了。你好呀！'), ['嗯。我知道了。', '你好呀！']);
    assert.deepEqual(split('Hi! Nice to meet you.'), ['Hi! Nice to meet you.']);
    assert.deepEqual(split('OK, sure. Let us go.'), ['OK, sure. Let us go.']);
    assert.deepEqual(split('😀😀。'), []);
    assert.deepEqual(split('好。'), ['好。'], 'a short answer is still spoken at the end');
  });

  test('reset forgets an unfinished sentence', () => {
    const splitter = new SentenceSplitter();
    assert.deepEqual(splitter.push('我说完了。没说'), ['我说完了。']);
    splitter.reset();
    assert.deepEqual(splitter.flush(), []);
  });
});
