import type { Redis } from 'ioredis';
import { type Pcm, type SpeechEvent, decodeAudioBlob } from '@dh/contracts';
import type { Logger } from '@dh/observability';
import type { KeyPrefix } from '@dh/streams';
import type { RoomManager } from '../rooms/room-manager.js';

/**
 * Hands each speech event to its room's player. The returned promise resolves when the sentence has been
 * played (or dropped), which is when the stream entry is acknowledged.
 */
export class SpeechRouter {
  constructor(
    private readonly rooms: RoomManager,
    private readonly redis: Redis,
    private readonly keys: KeyPrefix,
    private readonly staleMs: number,
    private readonly logger: Logger,
  ) {}

  async route(event: SpeechEvent): Promise<void> {
    const room = this.rooms.get(event.room);
    if (!room) {
      this.logger.info({ room: event.room, turnId: event.turnId }, 'speech for a room the avatar is not in; dropped');
      return;
    }
    if (event.type === 'speech.end') return room.player.addEnd(event);
    if (Date.now() - event.at > this.staleMs) {
      this.logger.warn({ room: event.room, turnId: event.turnId }, 'stale speech dropped');
      return;
    }
    // Fetched now, while earlier sentences play, so the next one starts without a gap.
    return room.player.addSentence(event, event.audioKey ? this.load(event.audioKey) : Promise.resolve(null));
  }

  private async load(audioKey: string): Promise<Pcm | null> {
    const blob = await this.redis.getBuffer(this.keys.key(audioKey));
    if (!blob) {
      this.logger.warn({ audioKey }, 'audio missing (expired?); subtitle only');
      return null;
    }
    return decodeAudioBlob(blob);
  }
}
