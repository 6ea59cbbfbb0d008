import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RedisNamespace, ServiceProcess, freePort } from '@dh/testing';

void describe('tts configuration errors stop the process at start', () => {
  // [variable, value, the variable the line must name]
  const cases: Array<[string, string, string]> = [
    ['TTS_CONCURRENCY', 'abc', 'TTS_CONCURRENCY'],
    ['TTS_ENGINE', 'festival', 'TTS_ENGINE'],
    ['TTS_ENGINE', 'openai', 'TTS_OPENAI_BASE_URL'],
    ['TTS_LOCK_MS', '5', 'TTS_LOCK_MS'],
  ];
  for (const [variable, value, named] of cases) {
    void test(`${variable}=${value} exits with code 78 and one line naming ${named}`, async () => {
      const ns = new RedisNamespace();
      try {
        const service = new ServiceProcess({
          name: 'tts',
          env: {
            REDIS_URL: ns.url,
            REDIS_PREFIX: ns.prefix,
            METRICS_PORT: String(await freePort()),
            [variable]: value,
          },
        });
        const { code, output } = await service.runToExit();
        assert.equal(code, 78);
        assert.equal(output.length, 1, output.join('\n'));
        assert.match(output[0]!, new RegExp(`\\b${named}\\b`));
        assert.equal(await ns.redis.exists(ns.key('heartbeat:tts')), 0, 'never started');
      } finally {
        await ns.cleanup();
      }
    });
  }
});
