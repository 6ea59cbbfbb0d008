import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { AVATAR_IDENTITY } from '@dh/contracts';
import { Stack, repoRoot, waitFor } from '@dh/testing';

// The fake DeepSeek accepts only this key, so an answer from the LLM proves the key was read from the file.
const KEY = 'sk-test-key';
const secrets = mkdtempSync(join(tmpdir(), 'dh-secret-'));
const lines: string[] = [];
let stack: Stack;

before(async () => {
  await promisify(execFile)(join(repoRoot(), 'scripts/secret.sh'), [], {
    env: { PATH: process.env.PATH ?? '', DEEPSEEK_API_KEY: KEY, SECRETS_DIR: secrets },
  });
  stack = await new Stack({
    env: { LOG_LEVEL: 'debug' },
    serviceEnv: {
      dialogue: { DEEPSEEK_API_KEY: '', DEEPSEEK_API_KEY_FILE: join(secrets, 'deepseek_api_key') },
    },
    onServiceLine: (service, line) => lines.push(`${service}: ${line}`),
  }).start();
});

after(async () => {
  await stack.stop();
  rmSync(secrets, { recursive: true, force: true });
});

test('the DeepSeek key from `make secret` reaches DeepSeek and no log line, even at debug level', async () => {
  const guest = await stack.guest('小李');
  await guest.waitForTranscriptions(1);
  await guest.say('请记住我的名字');
  await waitFor(
    'the answer',
    () => guest.transcriptions.some((t) => t.from === AVATAR_IDENTITY && t.text.includes('请记住我的名字')),
    30_000,
  );
  assert.ok(
    stack.deepseek.requests.some((r) => r.authorization === `Bearer ${KEY}`),
    'the key was sent to DeepSeek',
  );
  assert.ok(lines.filter((line) => line.startsWith('dialogue: ')).length >= 3, `${lines.length} log lines seen`);
  assert.deepEqual(
    lines.filter((line) => line.includes(KEY)),
    [],
  );
});
