import type { TextStreamReader } from '@livekit/rtc-node';

/**
 * Reads a text stream up to `maxBytes`. A longer stream is drained and dropped (null): a guest cannot make the
 * avatar hold megabytes, and nothing is left half-read in the SDK.
 */
export async function readCapped(reader: TextStreamReader, maxBytes: number): Promise<string | null> {
  let text = '';
  let bytes = 0;
  let over = false;
  for await (const chunk of reader) {
    if (over) continue;
    bytes += Buffer.byteLength(chunk);
    if (bytes > maxBytes) {
      over = true;
      text = '';
      continue;
    }
    text += chunk;
  }
  return over ? null : text;
}
