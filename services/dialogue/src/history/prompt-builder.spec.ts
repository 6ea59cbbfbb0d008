import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { UtteranceEvent } from '@dh/contracts';
import { DEFAULT_PERSONA } from '../persona/persona.js';
import { parseHistoryEntry } from './history-entry.js';
import { buildMessages, userEntry } from './prompt-builder.js';

const utterance = (text: string, overrides: Partial<UtteranceEvent> = {}): UtteranceEvent => ({
  type: 'utterance',
  turnId: 'turn-0001',
  room: 'p-room',
  seq: 1,
  identity: 'guest',
  name: '小明',
  input: 'text',
  text,
  shared: 'no',
  at: 1,
  ...overrides,
});

describe('prompt builder', () => {
  test('system prompt, history and the new message, names left out in a private room', () => {
    const messages = buildMessages(
      DEFAULT_PERSONA,
      [
        { role: 'user', content: '你好' },
        { role: 'assistant', content: '你好呀！' },
      ],
      utterance('今天几号？'),
    );
    assert.deepEqual(messages, [
      { role: 'system', content: DEFAULT_PERSONA.systemPrompt },
      { role: 'user', content: '你好' },
      { role: 'assistant', content: '你好呀！' },
      { role: 'user', content: '今天几号？' },
    ]);
    assert.deepEqual(userEntry(utterance('x')), { role: 'user', content: 'x' }, 'no name kept in a private room');
  });

  test('the next turn repeats the previous request byte for byte as its prefix (prompt cache)', () => {
    for (const shared of ['no', 'yes'] as const) {
      const first = utterance('第一句', { shared });
      const turn1 = buildMessages(DEFAULT_PERSONA, [], first);
      const history = [userEntry(first), { role: 'assistant' as const, content: '回答。' }];
      const stored = history.map((entry) => parseHistoryEntry(JSON.stringify(entry))!);
      const turn2 = buildMessages(DEFAULT_PERSONA, stored, utterance('第二句', { shared }));
      assert.deepEqual(turn2.slice(0, turn1.length), turn1, `shared=${shared}`);
    }
  });

  test('a shared room names its guests in the system prompt and each speaker in the messages', () => {
    const history = [
      { role: 'user' as const, content: '大家好', speaker: '爸爸' },
      { role: 'assistant' as const, content: '爸爸好！' },
    ];
    const messages = buildMessages(DEFAULT_PERSONA, history, utterance('我也在', { shared: 'yes', name: '妈妈' }));
    assert.ok(messages[0]!.content.startsWith(`${DEFAULT_PERSONA.systemPrompt}\n`));
    assert.match(messages[0]!.content, /爸爸、妈妈/);
    assert.equal(messages[1]!.content, '爸爸：大家好');
    assert.equal(messages[2]!.content, '爸爸好！');
    assert.equal(messages[3]!.content, '妈妈：我也在');
  });

  test('malformed history entries are skipped', () => {
    assert.equal(parseHistoryEntry('not json'), undefined);
    assert.equal(parseHistoryEntry('{"role":"system","content":"x"}'), undefined);
    assert.deepEqual(parseHistoryEntry('{"role":"user","content":"x","speaker":"A"}'), {
      role: 'user',
      content: 'x',
      speaker: 'A',
    });
  });
});
