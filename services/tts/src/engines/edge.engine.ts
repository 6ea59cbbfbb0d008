import type { Pcm } from '@dh/contracts';
import { WebSocket } from 'ws';
import {
  edgeHeaders,
  edgeSocketUrl,
  parseBinaryMessage,
  parseTextMessage,
  speechConfigMessage,
  ssmlMessage,
} from './edge-protocol.js';
import { isRetryableStatus } from '@dh/runtime';
import { causeCode } from './http-status.js';
import { detectLanguage } from './language.js';
import { Mp3Decoder } from './mp3-decode.js';
import type { SynthesizeOptions, TtsEngine } from './tts-engine.js';
import { TtsError, abortedError } from './tts-error.js';
import { trimSilence } from './trim-silence.js';

export interface EdgeOptions {
  /** The read-aloud WebSocket endpoint without query; tests point it at a local fake. */
  url?: string;
  /** Voice for Chinese text. Default `zh-CN-XiaoxiaoNeural`. */
  voiceZh?: string;
  /** Voice for everything else. Default `en-US-AriaNeural`. */
  voiceEn?: string;
  /** Milliseconds since 1970 for the Sec-MS-GEC token and timestamps; injected in tests. Default `Date.now`. */
  now?: () => number;
}

export const EDGE_DEFAULTS = {
  url: 'wss://speech.platform.bing.com/consumer/speech/synthesize/readaloud/edge/v1',
  voiceZh: 'zh-CN-XiaoxiaoNeural',
  voiceEn: 'en-US-AriaNeural',
} as const satisfies Required<Omit<EdgeOptions, 'now'>>;

/**
 * The format the read-aloud service actually serves (with webm): asked for anything else, e.g. raw PCM, it sends
 * nothing and may ban the client (rany2/edge-tts issues #57, #263, #392). Decoded to 24 kHz s16le mono here.
 */
export const EDGE_OUTPUT_FORMAT = 'audio-24khz-48kbitrate-mono-mp3';
const EDGE_SAMPLE_RATE = 24_000;
/** The service's own message limit is 64 KB; a sentence is far below it. */
const MAX_TEXT_BYTES = 60_000;
/** 48 kbit/s is 6 KB a second: 2 MB is over five minutes of speech, far beyond any sentence. */
const MAX_AUDIO_BYTES = 2 * 1024 * 1024;
/** What the service labels its MP3 frames; the closing empty audio message has no type at all. */
const MP3_TYPES = /^audio\/(mpeg|mp3)\b/i;

/**
 * Microsoft Edge's free read-aloud voices over its WebSocket protocol (see edge-protocol.ts), one connection
 * per sentence. No SLA and often refused (403) from mainland-China addresses: never the only engine.
 */
export class EdgeEngine implements TtsEngine {
  readonly name = 'edge';
  readonly sampleRate = EDGE_SAMPLE_RATE;
  private readonly url: string;
  private readonly voiceZh: string;
  private readonly voiceEn: string;
  private readonly now: () => number;
  /**
   * One WASM decoder per engine, created at the first sentence and reset between sentences. Measured on
   * Node 20 in a process with the service's modules loaded: the decoder adds 1-5 MB RSS, flat over 300
   * sentences; a second of audio takes ~1.3 ms to decode and ~0.7 ms to convert. A decoder per sentence costs
   * the same memory (mpg123-decoder's reset is free and re-instantiate), but reuse does that 2-3 ms after a
   * sentence instead of before the next.
   */
  private readonly decoder = new Mp3Decoder();

  constructor(options: EdgeOptions = {}) {
    this.url = options.url ?? EDGE_DEFAULTS.url;
    this.voiceZh = options.voiceZh ?? EDGE_DEFAULTS.voiceZh;
    this.voiceEn = options.voiceEn ?? EDGE_DEFAULTS.voiceEn;
    this.now = options.now ?? Date.now;
  }

  voiceFor(text: string): string {
    return detectLanguage(text) === 'zh' ? this.voiceZh : this.voiceEn;
  }

  voiceKey(text: string): string {
    return `${this.voiceFor(text)}|${EDGE_OUTPUT_FORMAT}`;
  }

  async synthesize(text: string, { signal }: SynthesizeOptions): Promise<Pcm> {
    if (signal.aborted) throw abortedError(signal, this.name);
    if (Buffer.byteLength(text) > MAX_TEXT_BYTES)
      throw new TtsError('engine_failed', `edge takes at most ${MAX_TEXT_BYTES} bytes of text`, { retryable: false });
    const mp3 = await this.exchange(text, signal);
    let decoded: Pcm | null;
    try {
      decoded = await this.decoder.decode(mp3);
    } catch (error) {
      throw new TtsError('engine_failed', 'edge audio decoder failed', { retryable: false, cause: error });
    }
    if (signal.aborted) throw abortedError(signal, this.name);
    // Bytes without a single MP3 frame in them: reading them as anything would be noise.
    if (!decoded) throw new TtsError('bad_output', 'edge sent audio that does not decode as MP3', { retryable: false });
    const pcm = trimSilence(decoded);
    if (pcm.samples.length === 0)
      throw new TtsError('empty_output', 'edge sent no audible audio', { retryable: false });
    return pcm;
  }

  /** The MP3 bytes of one sentence, from `speech.config` to `turn.end`. */
  private exchange(text: string, signal: AbortSignal): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      let done = false;
      const socket = new WebSocket(edgeSocketUrl(this.url, this.now()), {
        headers: edgeHeaders(),
        perMessageDeflate: true,
      });

      const finish = (error: TtsError | undefined) => {
        if (done) return;
        done = true;
        signal.removeEventListener('abort', onAbort);
        if (error) socket.terminate();
        else socket.close(1000);
        if (error) reject(error);
        else resolve(Buffer.concat(chunks, bytes));
      };
      const onAbort = () => finish(abortedError(signal, this.name));
      signal.addEventListener('abort', onAbort, { once: true });

      socket.on('unexpected-response', (_request, response) => {
        const status = response.statusCode ?? 0;
        response.resume();
        finish(
          new TtsError('engine_failed', `edge refused the connection with ${status}`, {
            retryable: isRetryableStatus(status),
            statusCode: status,
          }),
        );
      });
      socket.on('error', (error) =>
        finish(
          new TtsError('unavailable', `edge connection failed (${causeCode(error)})`, {
            retryable: true,
            cause: error,
          }),
        ),
      );
      socket.on('close', (code) =>
        finish(
          new TtsError('engine_failed', `edge closed the connection (${code}) before the end`, { retryable: true }),
        ),
      );
      socket.on('open', () => {
        const now = this.now();
        socket.send(speechConfigMessage(EDGE_OUTPUT_FORMAT, now));
        socket.send(ssmlMessage(text, this.voiceFor(text), now));
      });
      socket.on('message', (data, isBinary) => {
        const message = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
        if (!isBinary) {
          const path = parseTextMessage(message.toString('utf8')).headers.get('Path');
          if (path !== 'turn.end') return; // turn.start, response, audio.metadata: nothing we need
          if (bytes === 0) finish(new TtsError('empty_output', 'edge sent no audio', { retryable: false }));
          else finish(undefined);
          return;
        }
        const frame = parseBinaryMessage(message);
        if (!frame || frame.headers.get('Path') !== 'audio')
          return finish(
            new TtsError('bad_output', 'edge sent a binary message that is not audio', { retryable: false }),
          );
        const type = frame.headers.get('Content-Type');
        if (type !== undefined && !MP3_TYPES.test(type))
          return finish(
            new TtsError('bad_output', `edge sent ${type.split(';')[0]} instead of MP3`, { retryable: false }),
          );
        bytes += frame.data.length;
        if (bytes > MAX_AUDIO_BYTES)
          return finish(
            new TtsError('bad_output', `edge sent more than ${MAX_AUDIO_BYTES} bytes`, { retryable: false }),
          );
        chunks.push(Buffer.from(frame.data));
      });
    });
  }
}
