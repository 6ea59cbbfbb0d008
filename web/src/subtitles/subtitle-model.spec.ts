import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type SegmentUpdate, SubtitleModel } from './subtitle-model.js';

const avatar = (segmentId: string, text: string, final: boolean): SegmentUpdate => ({
  from: 'avatar',
  speaker: 'dh-avatar',
  segmentId,
  text,
  final,
});

const texts = (model: SubtitleModel) => model.lines().map((line) => `${line.from}:${line.text}`);

describe('SubtitleModel', () => {
  test('the same segment id updates its line, and final closes it', () => {
    const model = new SubtitleModel();
    assert.equal(model.segment(avatar('t1-0', '你好', false)), true);
    assert.equal(model.segment(avatar('t1-0', '你好，小明', false)), true);
    assert.equal(model.segment(avatar('t1-0', '你好，小明！', true)), true);
    assert.deepEqual(texts(model), ['avatar:你好，小明！']);
    assert.equal(model.lines()[0]!.final, true);
    assert.equal(model.lines()[0]!.segmentId, 't1-0');

    assert.equal(model.segment(avatar('t1-0', 'something else', true)), false, 'a closed line stays');
    assert.deepEqual(texts(model), ['avatar:你好，小明！']);
  });

  test('a closed line can only be cut short, where the guest spoke over the avatar', () => {
    const model = new SubtitleModel();
    model.segment(avatar('t1-0', '今天阳光正好，适合出去散步。', true));
    assert.equal(model.segment(avatar('t1-0', '今天阳光正好，适合出去散步。你好', true)), false, 'never longer');
    assert.equal(model.segment(avatar('t1-0', '今天阳光', false)), false, 'never reopened');
    assert.equal(model.segment(avatar('t1-0', '今天阳光', true)), true);
    assert.deepEqual(texts(model), ['avatar:今天阳光']);
  });

  test('each segment gets its own line, in arrival order', () => {
    const model = new SubtitleModel();
    model.segment(avatar('t1-0', 'First.', true));
    model.segment(avatar('t1-1', 'Second.', true));
    model.message('me', 'and me');
    model.segment({ from: 'guest', speaker: 'g-2', segmentId: 's1', text: 'hi all', final: true, name: 'Ann' });
    assert.deepEqual(texts(model), ['avatar:First.', 'avatar:Second.', 'me:and me', 'guest:hi all']);
    assert.equal(model.lines()[3]!.name, 'Ann');
    assert.equal(model.lines()[0]!.name, null);
  });

  test('segment ids of different speakers do not collide', () => {
    const model = new SubtitleModel();
    model.segment({ from: 'guest', speaker: 'g-1', segmentId: 'x', text: 'one', final: false });
    model.segment({ from: 'guest', speaker: 'g-2', segmentId: 'x', text: 'two', final: false });
    assert.equal(model.lines().length, 2);
  });

  test('the same answer from two feeds shows once', () => {
    const model = new SubtitleModel();
    model.segment(avatar('t9-0', 'Hello!', true));
    model.segment(avatar('t9-0', 'Hello!', true));
    assert.equal(model.lines().length, 1);
  });

  test('empty text adds nothing, and an interim line that ends empty goes away', () => {
    const model = new SubtitleModel();
    assert.equal(model.segment(avatar('a', '   ', false)), false);
    assert.equal(model.message('me', ' \n '), false);
    model.segment(avatar('b', 'uh', false));
    model.segment(avatar('b', '', true));
    assert.deepEqual(texts(model), []);
  });

  test('history is capped: the oldest lines drop off', () => {
    const model = new SubtitleModel(3);
    for (let i = 0; i < 5; i += 1) model.segment(avatar(`s${i}`, `line ${i}`, false));
    assert.deepEqual(texts(model), ['avatar:line 2', 'avatar:line 3', 'avatar:line 4']);
    // A dropped segment that speaks again starts a new line instead of touching a stale one.
    model.segment(avatar('s0', 'line 0 again', true));
    assert.deepEqual(texts(model), ['avatar:line 3', 'avatar:line 4', 'avatar:line 0 again']);
  });

  test('ids increase and the version moves only on change', () => {
    const model = new SubtitleModel();
    const before = model.version;
    model.message('me', 'a');
    model.message('me', 'b');
    const [first, second] = model.lines();
    assert.ok(second!.id > first!.id);
    const after = model.version;
    assert.ok(after > before);
    model.segment(avatar('z', 'same', false));
    const v = model.version;
    model.segment(avatar('z', 'same', false));
    assert.equal(model.version, v);
  });
});
