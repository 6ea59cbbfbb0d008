import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ContentFilter, parseWordList } from './content-filter.js';
import { findShippedWordList } from './content-filter.store.js';

describe('ContentFilter', () => {
  const filter = new ContentFilter(['badword', 'kill yourself', '坏词', '脏话语']);

  test('matches Latin words as whole words, ignoring case and width', () => {
    assert.equal(filter.blocks('this is a BADWORD here'), true);
    assert.equal(filter.blocks('ｂａｄｗｏｒｄ'), true);
    assert.equal(filter.blocks('badwords and notbadword'), false);
    assert.equal(filter.blocks('you should KILL   yourself'), true);
    assert.equal(filter.blocks('kill yourselves'), false);
  });

  test('matches Chinese entries anywhere, also with spaces or punctuation between', () => {
    assert.equal(filter.blocks('这是坏词吗'), true);
    assert.equal(filter.blocks('脏 话，语'), true);
    assert.equal(filter.blocks('这是好词'), false);
  });

  test('an empty list blocks nothing', () => {
    assert.equal(new ContentFilter([]).blocks('anything at all'), false);
  });

  test('parses one word a line, skipping comments and blank lines', () => {
    assert.deepEqual(parseWordList('# comment\n\n  foo \r\nbar baz\n#x\n'), ['foo', 'bar baz']);
  });

  test('the shipped list is found from the code and blocks clear cases only', () => {
    const path = findShippedWordList();
    assert.ok(path, 'config/blocked-words.txt found');
    const shipped = new ContentFilter(parseWordList(readFileSync(path, 'utf8')));
    assert.ok(shipped.size > 10);
    assert.equal(shipped.blocks('你这个傻逼'), true);
    assert.equal(shipped.blocks('what the fuck'), true);
    assert.equal(shipped.blocks('今天天气很好，我们去印度支那旅行吧'), false);
    assert.equal(shipped.blocks('I passed the class assessment'), false);
  });
});
