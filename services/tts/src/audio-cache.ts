import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Keys, type Pcm, encodeAudioBlob } from '@dh/contracts';
import type { KeyPrefix } from '@dh/streams';
import { CONFIG, KEYS, REDIS } from '@dh/runtime';
import type { TtsConfig } from './tts.config.js';

/** The relative key (`tts:audio:<sha256>`) of a sentence's audio; `voiceKey` holds voice and speed. */
export function audioKeyFor(engine: string, voiceKey: string, text: string): string {
  return Keys.ttsAudio(createHash('sha256').update(`${engine}|${voiceKey}|${text}`).digest('hex'));
}

/**
 * Synthesized audio in Redis, as audio blobs under `tts:audio:<hash>` with a TTL. The stored blob is both what
 * media plays and the cache: a sentence spoken again (greetings, apologies, refusals) is not synthesized again.
 */
@Injectable()
export class AudioCache {
  private readonly ttlS: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(KEYS) private readonly keys: KeyPrefix,
    @Inject(CONFIG) config: TtsConfig,
  ) {
    this.ttlS = config.TTS_CACHE_TTL_S;
  }

  /**
   * On a hit, gives the blob a full TTL again (media has yet to fetch it) and returns its sample rate, read
   * from the 4-byte header rather than fetching the whole blob; null on a miss.
   */
  async touch(audioKey: string): Promise<number | null> {
    const key = this.keys.key(audioKey);
    const replies = await this.redis.multi().expire(key, this.ttlS).getrangeBuffer(key, 0, 3).exec();
    if (!replies) throw new Error('cache lookup transaction was aborted');
    for (const [error] of replies) if (error) throw error;
    const header = replies[1]?.[1];
    if (replies[0]?.[1] !== 1 || !Buffer.isBuffer(header) || header.length < 4) return null;
    return header.readUInt32LE(0);
  }

  async put(audioKey: string, pcm: Pcm): Promise<void> {
    await this.redis.set(this.keys.key(audioKey), encodeAudioBlob(pcm), 'EX', this.ttlS);
  }
}
