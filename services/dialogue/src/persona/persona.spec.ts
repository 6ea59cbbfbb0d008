import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Logger } from '@dh/observability';
import type { DialogueConfig } from '../dialogue.config.js';
import { offlineReply } from './offline-reply.js';
import { DEFAULT_PERSONA, greetingFor } from './persona.js';
import { parsePersona } from './persona-parser.js';
import { PersonaStore } from './persona.store.js';

const dir = mkdtempSync(join(tmpdir(), 'dh-persona-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function recordingLogger() {
  const lines: { level: string; msg: string; fields: object }[] = [];
  const log = (level: string) => (fields: object, msg: string) => lines.push({ level, msg, fields });
  const logger = { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') };
  return { lines, logger: logger as unknown as Logger };
}

let tick = 1_700_000_000;
/** Writes the file with a later mtime than before, so a change is always visible. */
function write(path: string, content: string) {
  writeFileSync(path, content);
  tick += 10;
  utimesSync(path, tick, tick);
}

describe('persona parsing', () => {
  test('keys left out take the defaults', () => {
    const persona = parsePersona(JSON.stringify({ name: '小乐', replies: { apology: '对不起。' } }));
    assert.equal(persona.name, '小乐');
    assert.equal(persona.replies.apology, '对不起。');
    assert.equal(persona.replies.refusal, DEFAULT_PERSONA.replies.refusal);
    assert.equal(persona.systemPrompt, DEFAULT_PERSONA.systemPrompt);
  });

  test('unknown keys, wrong types and broken JSON are errors', () => {
    assert.throws(() => parsePersona('{"greating": "hi"}'), /\$\.greating is not a persona key/);
    assert.throws(() => parsePersona('{"replies": {"sorry": "x"}}'), /\$\.replies\.sorry/);
    assert.throws(() => parsePersona('{"name": 3}'), /\$\.name must be a non-empty string/);
    assert.throws(() => parsePersona('{"name": '), /not valid JSON/);
    assert.throws(() => parsePersona('[]'), /\$ must be an object/);
  });

  test('the greeting names the guest; the offline persona answers a hello warmly', () => {
    assert.equal(greetingFor(DEFAULT_PERSONA, '小明'), '你好小明！我是开心，很高兴见到你。');
    assert.equal(offlineReply(DEFAULT_PERSONA, '你好呀'), DEFAULT_PERSONA.replies.offlineGreeting);
    assert.equal(offlineReply(DEFAULT_PERSONA, 'Hello there'), DEFAULT_PERSONA.replies.offlineGreeting);
    assert.equal(offlineReply(DEFAULT_PERSONA, 'history of Rome'), DEFAULT_PERSONA.replies.offline);
    assert.equal(offlineReply(DEFAULT_PERSONA, '今天几号'), DEFAULT_PERSONA.replies.offline);
  });
});

describe('PersonaStore', () => {
  test('uses the built-in persona while the file is missing', () => {
    const { logger, lines } = recordingLogger();
    const store = new PersonaStore({ PERSONA_FILE: join(dir, 'absent.json') } as DialogueConfig, logger);
    assert.deepEqual(store.current(), DEFAULT_PERSONA);
    store.current();
    assert.equal(lines.filter((l) => l.msg.includes('missing')).length, 1, 'reported once');
  });

  test('re-reads the file when it changes and keeps the last good persona when it turns invalid', () => {
    const path = join(dir, 'persona.json');
    write(path, JSON.stringify({ name: '一号', greeting: '嗨{name}！' }));
    const { logger, lines } = recordingLogger();
    const store = new PersonaStore({ PERSONA_FILE: path } as DialogueConfig, logger);
    assert.equal(store.current().name, '一号');

    write(path, JSON.stringify({ name: '二号', greeting: '嗨{name}！' }));
    assert.equal(store.current().name, '二号');

    write(path, '{ "name": "三号", ');
    assert.equal(store.current().name, '二号');
    const errors = lines.filter((l) => l.level === 'error');
    assert.equal(errors.length, 1);
    assert.doesNotMatch(errors[0]!.msg, /三号/);

    write(path, JSON.stringify({ name: '四号' }));
    assert.equal(store.current().name, '四号');

    unlinkSync(path);
    assert.equal(store.current().name, '四号', 'a deleted file keeps the last good persona');
  });

  test('the shipped persona file is valid and matches the built-in one', async () => {
    const { findShippedWordList } = await import('../text/content-filter.store.js');
    const shipped = join(findShippedWordList()!, '..', 'persona.json');
    const { logger } = recordingLogger();
    const store = new PersonaStore({ PERSONA_FILE: shipped } as DialogueConfig, logger);
    assert.deepEqual(store.current(), DEFAULT_PERSONA);
  });
});
