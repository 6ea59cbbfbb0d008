import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '@dh/config';
import { ttsConfigSpec } from './tts.config.js';

void describe('tts config', () => {
  void test('works with no variables at all', () => {
    const config = loadConfig(ttsConfigSpec, {});
    assert.equal(config.TTS_ENGINE, 'espeak');
    assert.equal(config.METRICS_PORT, 9463);
    assert.equal(config.TTS_CONCURRENCY, 2);
    assert.equal(config.TTS_CACHE_TTL_S, 600);
    assert.equal(config.TTS_TIMEOUT_MS, 10_000);
    assert.equal(config.TTS_LOCK_MS, 10_000);
    assert.equal(config.ESPEAK_BIN, 'espeak-ng');
    assert.equal(config.ESPEAK_VOICE_ZH, 'cmn');
    assert.equal(config.ESPEAK_VOICE_EN, 'en-us');
    assert.equal(config.ESPEAK_SPEED_WPM, 175);
  });

  for (const engine of ['edge', 'openai']) {
    void test(`TTS_ENGINE=${engine} is refused until it exists`, () => {
      assert.throws(
        () => loadConfig(ttsConfigSpec, { TTS_ENGINE: engine }),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.variable === 'TTS_ENGINE' &&
          error.message === 'TTS_ENGINE is not available yet in this version; use espeak',
      );
    });
  }

  void test('unknown engines and out-of-range numbers name their variable', () => {
    const variableOf = (env: Record<string, string>) => {
      try {
        loadConfig(ttsConfigSpec, env);
      } catch (error) {
        return (error as ConfigError).variable;
      }
      return undefined;
    };
    assert.equal(variableOf({ TTS_ENGINE: 'festival' }), 'TTS_ENGINE');
    assert.equal(variableOf({ TTS_CONCURRENCY: 'abc' }), 'TTS_CONCURRENCY');
    assert.equal(variableOf({ TTS_CONCURRENCY: '9' }), 'TTS_CONCURRENCY');
    assert.equal(variableOf({ TTS_LOCK_MS: '10' }), 'TTS_LOCK_MS');
    assert.equal(variableOf({ ESPEAK_VOICE_ZH: 'cmn; rm -rf /' }), 'ESPEAK_VOICE_ZH');
    assert.equal(variableOf({ ESPEAK_SPEED_WPM: '1000' }), 'ESPEAK_SPEED_WPM');
  });
});
