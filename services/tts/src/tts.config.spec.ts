import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '@dh/config';
import { EDGE_DEFAULT_URL, engineOrder, ttsConfigSpec } from './tts.config.js';

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

  void test('the voice engines have their documented defaults', () => {
    const config = loadConfig(ttsConfigSpec, {});
    assert.equal(config.TTS_FALLBACK, undefined);
    assert.equal(config.TTS_ENGINE_TIMEOUT_MS, 5_000);
    assert.equal(config.TTS_ENGINE_FAILURES, 3);
    assert.equal(config.TTS_ENGINE_COOLDOWN_MS, 60_000);
    assert.equal(config.TTS_OPENAI_BASE_URL, undefined);
    assert.equal(config.TTS_OPENAI_API_KEY, '');
    assert.equal(config.TTS_OPENAI_MODEL, 'FunAudioLLM/CosyVoice2-0.5B');
    assert.equal(config.TTS_OPENAI_VOICE, 'FunAudioLLM/CosyVoice2-0.5B:anna');
    assert.equal(config.TTS_OPENAI_SAMPLE_RATE, 24_000);
    assert.equal(config.TTS_EDGE_URL, EDGE_DEFAULT_URL);
    assert.equal(config.TTS_EDGE_VOICE, 'zh-CN-XiaoxiaoNeural');
    assert.equal(config.TTS_EDGE_VOICE_EN, 'en-US-AriaNeural');
  });

  void test('openai as an engine without a base URL names TTS_OPENAI_BASE_URL', () => {
    for (const env of [{ TTS_ENGINE: 'openai' }, { TTS_ENGINE: 'edge', TTS_FALLBACK: 'openai' }])
      assert.throws(
        () => loadConfig(ttsConfigSpec, env),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.variable === 'TTS_OPENAI_BASE_URL' &&
          /is required when openai is a TTS engine/.test(error.message),
      );
  });

  void test('the API key may come from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tts-config-'));
    try {
      writeFileSync(join(dir, 'key'), 'sk-from-file\n');
      const config = loadConfig(ttsConfigSpec, {
        TTS_OPENAI_API_KEY: 'sk-from-env',
        TTS_OPENAI_API_KEY_FILE: join(dir, 'key'),
      });
      assert.equal(config.TTS_OPENAI_API_KEY, 'sk-from-file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void test('engine order: TTS_ENGINE, then the others configured or TTS_FALLBACK, espeak always last', () => {
    const order = (env: Record<string, string>) => engineOrder(loadConfig(ttsConfigSpec, env));
    const base = 'http://127.0.0.1:9/v1';
    assert.deepEqual(order({}), ['espeak']);
    assert.deepEqual(order({ TTS_OPENAI_BASE_URL: base }), ['espeak'], 'espeak first stays alone');
    assert.deepEqual(order({ TTS_ENGINE: 'openai', TTS_OPENAI_BASE_URL: base }), ['openai', 'espeak']);
    assert.deepEqual(order({ TTS_ENGINE: 'edge' }), ['edge', 'espeak']);
    assert.deepEqual(order({ TTS_ENGINE: 'edge', TTS_OPENAI_BASE_URL: base }), ['edge', 'openai', 'espeak']);
    assert.deepEqual(order({ TTS_ENGINE: 'openai', TTS_OPENAI_BASE_URL: base, TTS_FALLBACK: 'edge' }), [
      'openai',
      'edge',
      'espeak',
    ]);
    assert.deepEqual(
      order({ TTS_ENGINE: 'edge', TTS_OPENAI_BASE_URL: base, TTS_FALLBACK: ' espeak , edge' }),
      ['edge', 'espeak'],
      'TTS_FALLBACK replaces the configured others; duplicates and espeak collapse',
    );
  });

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
    assert.equal(variableOf({ TTS_FALLBACK: 'edge,festival' }), 'TTS_FALLBACK');
    assert.equal(variableOf({ TTS_OPENAI_BASE_URL: 'ftp://example.com' }), 'TTS_OPENAI_BASE_URL');
    assert.equal(variableOf({ TTS_OPENAI_SAMPLE_RATE: '4000' }), 'TTS_OPENAI_SAMPLE_RATE');
    assert.equal(variableOf({ TTS_OPENAI_MODEL: 'a model' }), 'TTS_OPENAI_MODEL');
    assert.equal(variableOf({ TTS_EDGE_URL: 'https://example.com' }), 'TTS_EDGE_URL');
    assert.equal(variableOf({ TTS_EDGE_VOICE: 'Xiaoxiao' }), 'TTS_EDGE_VOICE');
    assert.equal(variableOf({ TTS_ENGINE_FAILURES: '0' }), 'TTS_ENGINE_FAILURES');
  });
});
