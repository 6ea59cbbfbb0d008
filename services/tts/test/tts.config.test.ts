import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RedisNamespace, ServiceProcess, freePort } from '@dh/testing';

void describe('tts configuration errors stop the process at start', () => {
  const cases: Array<[string, string]> = [
    ['TTS_CONCURRENCY', 'abc'],
    ['TTS_ENGINE', 'edge'],
    ['TTS_ENGINE', 'openai'],
    ['TTS_LOCK_MS', '5'],
  ];
  for (const [variable, value] of cases) {
    void test(`${variable}=${value} exits with code 78 and one line naming it`, async () => {
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
        assert.match(output[0]!, new RegExp(`\\b${variable}\\b`));
        if (variable === 'TTS_ENGINE') assert.match(output[0]!, /not available yet in this version; use espeak/);
        assert.equal(await ns.redis.exists(ns.key('heartbeat:tts')), 0, 'never started');
      } finally {
        await ns.cleanup();
      }
    });
  }
});
