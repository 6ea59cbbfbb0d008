import type { Provider } from '@nestjs/common';
import { CONFIG } from '@dh/runtime';
import type { TtsConfig } from '../tts.config.js';
import { EspeakEngine } from './espeak.engine.js';
import type { TtsEngine } from './tts-engine.js';

/** Injection token of the TtsEngine the worker speaks with. */
export const TTS_ENGINE = Symbol('TTS_ENGINE');

export function createEngine(config: TtsConfig): TtsEngine {
  switch (config.TTS_ENGINE) {
    case 'espeak':
      return new EspeakEngine({
        bin: config.ESPEAK_BIN,
        voiceZh: config.ESPEAK_VOICE_ZH,
        voiceEn: config.ESPEAK_VOICE_EN,
        speedWpm: config.ESPEAK_SPEED_WPM,
      });
  }
}

export const engineProvider: Provider = {
  provide: TTS_ENGINE,
  useFactory: (config: TtsConfig) => createEngine(config),
  inject: [CONFIG],
};
