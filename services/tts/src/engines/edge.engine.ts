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
import { causeCode, isRetryableStatus } from './http-status.js';
import { detectLanguage } from './language.js';
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

/** Raw PCM needs no decoder: 24 kHz, 16-bit, mono, as the rest of the pipeline takes it. */
export const EDGE_OUTPUT_FORMAT = 'raw-24khz-16bit-mono-pcm';
const EDGE_SAMPLE_RATE = 24_000;
/** The service's own message limit is 64 KB; a sentence is far below it. */
const MAX_TEXT_BYTES = 60_000;
const MAX_AUDIO_BYTES = 16 * 1024 * 1024;
/** Containers we did not ask for: read as PCM they would be loud noise. */
const COMPRESSED_TYPES = /^audio\/(mpeg|webm|ogg|mp3)/i;

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
    const audio = await this.exchange(text, signal);
    const pcm = trimSilence({
      sampleRate: EDGE_SAMPLE_RATE,
      samples: audio.subarray(0, audio.length - (audio.length % 2)),
    });
    if (pcm.samples.length === 0)
      throw new TtsError('empty_output', 'edge sent no audible audio', { retryable: false });
    return pcm;
  }

  /** The audio bytes of one sentence, from `speech.config` to `turn.end`. */
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
        const type = frame.headers.get('Content-Type') ?? '';
        if (COMPRESSED_TYPES.test(type))
          return finish(
            new TtsError('bad_output', `edge sent ${type.split(';')[0]} instead of raw PCM`, { retryable: false }),
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
