import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { firstStreamEntries, toRawEntries } from './stream-entry.js';

void describe('stream-entry', () => {
  void test('toRawEntries reads the event field among others', () => {
    assert.deepEqual(
      toRawEntries([
        ['1-0', ['event', '{"a":1}']],
        ['2-0', ['source', 'x', 'event', '{}']],
      ]),
      [
        { id: '1-0', event: '{"a":1}' },
        { id: '2-0', event: '{}' },
      ],
    );
  });

  void test('toRawEntries: an entry without fields was deleted, one without an event field is not', () => {
    assert.deepEqual(toRawEntries([['1-0', null]]), [{ id: '1-0', event: undefined, deleted: true }]);
    assert.deepEqual(toRawEntries([['2-0', ['other', 'x']]]), [{ id: '2-0', event: undefined }]);
  });

  void test('toRawEntries tolerates no reply and an odd field list', () => {
    assert.deepEqual(toRawEntries(null), []);
    assert.deepEqual(toRawEntries(undefined), []);
    assert.deepEqual(toRawEntries([['1-0', ['event']]]), [{ id: '1-0', event: undefined }]);
  });

  void test('firstStreamEntries reads the first stream of an XREADGROUP reply', () => {
    assert.deepEqual(firstStreamEntries(null), []);
    assert.deepEqual(firstStreamEntries([]), []);
    assert.deepEqual(firstStreamEntries([['s', []]]), []);
    assert.deepEqual(firstStreamEntries([['s', [['1-0', ['event', '1']]]]]), [{ id: '1-0', event: '1' }]);
  });
});
