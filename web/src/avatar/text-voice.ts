import { charCount } from '../join/join-input.js';
import { syntheticLevel } from './avatar-state.js';

/** About how long 开心 would take to say a text: a reading pace, bounded for very short and long lines. */
export function speechDurationMs(text: string): number {
  return Math.min(9000, Math.max(1000, 500 + 120 * charCount(text.trim())));
}

/**
 * The avatar's "voice" in text-only mode: no audio arrives, so the mouth moves for as long as the answer
 * would take to say. Sentences queue behind each other.
 */
export class TextVoice {
  private endMs = 0;

  speak(text: string, nowMs: number): void {
    this.endMs = Math.max(this.endMs, nowMs) + speechDurationMs(text);
  }

  speaking(nowMs: number): boolean {
    return nowMs < this.endMs;
  }

  /** Milliseconds until the queued speech ends (0 when silent). */
  remainingMs(nowMs: number): number {
    return Math.max(0, this.endMs - nowMs);
  }

  level(nowMs: number): number {
    return this.speaking(nowMs) ? syntheticLevel(nowMs) : 0;
  }
}
