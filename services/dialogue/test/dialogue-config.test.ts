import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RedisNamespace, ServiceProcess } from '@dh/testing';
import { DEFAULT_PERSONA } from '../src/persona/persona.js';
import { DialogueHarness } from './dialogue-harness.js';

describe('dialogue configuration (real process)', () => {
  test('MESSAGE_MAX_CHARS=abc stops the service at start with one line naming it (exit 78)', async () => {
    const ns = new RedisNamespace();
    try {
      const service = new ServiceProcess({
        name: 'dialogue',
        env: { REDIS_URL: ns.url, REDIS_PREFIX: ns.prefix, METRICS_PORT: '0', MESSAGE_MAX_CHARS: 'abc' },
      });
      const { code, output } = await service.runToExit();
      assert.equal(code, 78);
      assert.equal(output.length, 1, output.join('\n'));
      assert.match(output[0]!, /MESSAGE_MAX_CHARS/);
    } finally {
      await ns.cleanup();
    }
  });

  for (const [variable, value] of [
    ['MONTHLY_LLM_BUDGET_CNY', '-1'],
    ['MONTHLY_LLM_BUDGET_CNY', '30 CNY'],
    ['BUDGET_TIME_ZONE', 'Beijing'],
  ] as const) {
    test(`${variable}=${value} stops the service at start naming it (exit 78)`, async () => {
      const ns = new RedisNamespace();
      try {
        const service = new ServiceProcess({
          name: 'dialogue',
          env: { REDIS_URL: ns.url, REDIS_PREFIX: ns.prefix, METRICS_PORT: '0', [variable]: value },
        });
        const { code, output } = await service.runToExit();
        assert.equal(code, 78);
        assert.equal(output.length, 1, output.join('\n'));
        assert.match(output[0]!, new RegExp(`${variable} `));
      } finally {
        await ns.cleanup();
      }
    });
  }

  test('an unreadable DEEPSEEK_API_KEY_FILE stops the service naming it, without echoing secrets', async () => {
    const ns = new RedisNamespace();
    try {
      const service = new ServiceProcess({
        name: 'dialogue',
        env: {
          REDIS_URL: ns.url,
          REDIS_PREFIX: ns.prefix,
          METRICS_PORT: '0',
          DEEPSEEK_API_KEY_FILE: '/nonexistent/deepseek-key',
        },
      });
      const { code, output } = await service.runToExit();
      assert.equal(code, 78);
      assert.match(output.join('\n'), /DEEPSEEK_API_KEY_FILE/);
    } finally {
      await ns.cleanup();
    }
  });
});

describe('offline persona (no API key)', () => {
  const harness = new DialogueHarness({ DEEPSEEK_API_KEY: '' });
  before(() => harness.start());
  after(() => harness.stop());

  test('answers a hello with the offline greeting, anything else with the offline reply, never asking the LLM', async () => {
    const hello = await harness.say('你好呀', { room: 'p-offline' });
    const other = await harness.say('给我讲个笑话', { room: 'p-offline' });
    const greeting = await harness.say('', { room: 'p-offline', input: 'greeting' });
    const a = await harness.answer(hello.turnId);
    const b = await harness.answer(other.turnId);
    const c = await harness.answer(greeting.turnId);
    assert.equal(a.end.outcome, 'offline');
    assert.deepEqual(
      a.jobs.map((j) => j.text),
      [DEFAULT_PERSONA.replies.offlineGreeting],
    );
    assert.equal(b.end.outcome, 'offline');
    assert.deepEqual(
      b.jobs.map((j) => j.text),
      [DEFAULT_PERSONA.replies.offline],
    );
    assert.equal(c.end.outcome, 'greeting', 'the arrival greeting needs no LLM');
    assert.equal(harness.fake.requests.length, 0);
  });
});

describe('key file, persona file and extra word list', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dh-dialogue-config-'));
  const keyFile = join(dir, 'key');
  const personaFile = join(dir, 'persona.json');
  const wordsFile = join(dir, 'words.txt');
  writeFileSync(keyFile, 'sk-from-file\n');
  writeFileSync(personaFile, JSON.stringify({ systemPrompt: '你是测试助手。', replies: { refusal: '换个话题吧。' } }));
  writeFileSync(wordsFile, '# owner list\n菠萝披萨\n');
  const harness = new DialogueHarness({
    DEEPSEEK_API_KEY: '',
    DEEPSEEK_API_KEY_FILE: keyFile,
    PERSONA_FILE: personaFile,
    BLOCKED_WORDS_FILE: wordsFile,
    DEEPSEEK_THINKING: 'enabled',
    DEEPSEEK_MODEL: 'deepseek-test-model',
  });
  before(() => harness.start());
  after(async () => {
    await harness.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the key comes from the file; persona, model and thinking from the configuration', async () => {
    const utterance = await harness.say('你好', { room: 'p-files' });
    await harness.answer(utterance.turnId);
    const request = harness.fake.requests[0]!;
    assert.equal(request.authorization, 'Bearer sk-from-file');
    assert.equal(request.body.model, 'deepseek-test-model');
    assert.deepEqual(request.body.thinking, { type: 'enabled' });
    assert.equal(request.body.messages![0]!.content, '你是测试助手。');
  });

  test('the owner’s words are blocked besides the shipped ones', async () => {
    const owner = await harness.say('我爱菠萝披萨', { room: 'p-files' });
    const shipped = await harness.say('what the fuck', { room: 'p-files' });
    const a = await harness.answer(owner.turnId);
    const b = await harness.answer(shipped.turnId);
    assert.equal(a.end.outcome, 'refused');
    assert.deepEqual(
      a.jobs.map((j) => j.text),
      ['换个话题吧。'],
    );
    assert.equal(b.end.outcome, 'refused');
  });

  test('an edited persona file is used from the next turn on', async () => {
    writeFileSync(personaFile, JSON.stringify({ systemPrompt: '你是改过的助手。' }));
    const utterance = await harness.say('再问一次', { room: 'p-files-2' });
    await harness.answer(utterance.turnId);
    assert.equal(harness.fake.requests.at(-1)!.body.messages![0]!.content, '你是改过的助手。');
  });
});
