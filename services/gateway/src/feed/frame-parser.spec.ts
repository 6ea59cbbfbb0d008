import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FeedErrors } from './feed-protocol.js';
import { parseFeedFrame } from './frame-parser.js';

test('hello and say frames become their events; extra fields are ignored', () => {
  assert.deepEqual(parseFeedFrame('{"type":"hello","token":"a.b.c","extra":1}'), {
    event: 'hello',
    data: { token: 'a.b.c' },
  });
  assert.deepEqual(parseFeedFrame('{"type":"say","text":"你好"}'), { event: 'say', data: { text: '你好' } });
});

test('a hello without a usable token carries an empty one (refused like a bad token)', () => {
  for (const frame of [
    '{"type":"hello"}',
    '{"type":"hello","token":5}',
    `{"type":"hello","token":"${'x'.repeat(5000)}"}`,
  ])
    assert.deepEqual(parseFeedFrame(frame), { event: 'hello', data: { token: '' } });
});

test('everything else becomes an "invalid" event with its error', () => {
  const cases: [unknown, object][] = [
    [Buffer.from('{}'), FeedErrors.notText],
    ['{', FeedErrors.notJson],
    ['null', FeedErrors.notAMessage],
    ['[1]', FeedErrors.notAMessage],
    ['"say"', FeedErrors.notAMessage],
    ['{"text":"no type"}', FeedErrors.notAMessage],
    ['{"type":"dance"}', FeedErrors.unknownType],
    ['{"type":"say"}', FeedErrors.sayWithoutText],
    [JSON.stringify({ type: 'say', text: '长'.repeat(2800) }), FeedErrors.tooLarge],
  ];
  for (const [data, error] of cases)
    assert.deepEqual(parseFeedFrame(data), { event: 'invalid', data: error }, String(data));
});

test('the 8 kB limit counts UTF-8 bytes, not characters', () => {
  const under = JSON.stringify({ type: 'say', text: '长'.repeat(2700) });
  assert.ok(Buffer.byteLength(under) <= 8192);
  assert.equal(parseFeedFrame(under).event, 'say');
});
