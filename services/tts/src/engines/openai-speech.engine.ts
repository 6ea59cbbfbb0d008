import type { Pcm } from '@dh/contracts';
import { isRetryableStatus } from '@dh/runtime';
import { causeCode } from './http-status.js';
import type { SynthesizeOptions, TtsEngine } from './tts-engine.js';
import { TtsError, abortedError } from './tts-error.js';
import { trimSilence } from './trim-silence.js';
import { WavFormatError, parseWav } from './wav.js';

export interface OpenAiSpeechOptions {
  /** Up to the API version, e.g. `https://api.siliconflow.cn/v1`; `/audio/speech` is appended. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`; a local server may need none. */
  apiKey?: string;
  /** Default `FunAudioLLM/CosyVoice2-0.5B` (SiliconFlow). */
  model?: string;
  /** Default `FunAudioLLM/CosyVoice2-0.5B:anna`; OpenAI's are `alloy`, `nova`, ... */
  voice?: string;
  /** Asked for as `sample_rate`, and the rate of a raw `pcm` body. Default 24 000 (OpenAI's fixed rate). */
  sampleRate?: number;
  /** Sent as `speed` when set (OpenAI: 0.25–4). */
  speed?: number;
}

export const OPENAI_SPEECH_DEFAULTS = {
  model: 'FunAudioLLM/CosyVoice2-0.5B',
  voice: 'FunAudioLLM/CosyVoice2-0.5B:anna',
  sampleRate: 24_000,
} as const satisfies Required<Pick<OpenAiSpeechOptions, 'model' | 'voice' | 'sampleRate'>>;

/** A sentence is seconds of audio (48 KB a second at 24 kHz); anything far beyond is a runaway reply. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const WAV_TYPES = /^audio\/(wav|x-wav|wave|vnd\.wave)\b/i;

/**
 * Text to speech through any OpenAI-compatible `POST /audio/speech` (OpenAI, SiliconFlow's CosyVoice, a local
 * server): JSON in, `response_format: "pcm"` out, i.e. raw s16le mono at the asked rate; a WAV body is read
 * when the content type says so. One attempt per call: retries belong to the queue, fallbacks to the chain.
 */
export class OpenAiSpeechEngine implements TtsEngine {
  readonly name = 'openai';
  readonly sampleRate: number;
  private readonly url: string;
  private readonly model: string;
  private readonly voice: string;

  constructor(private readonly options: OpenAiSpeechOptions) {
    this.url = speechUrl(options.baseUrl);
    this.model = options.model ?? OPENAI_SPEECH_DEFAULTS.model;
    this.voice = options.voice ?? OPENAI_SPEECH_DEFAULTS.voice;
    this.sampleRate = options.sampleRate ?? OPENAI_SPEECH_DEFAULTS.sampleRate;
    if (!Number.isInteger(this.sampleRate) || this.sampleRate < 1) throw new RangeError('sampleRate must be positive');
  }

  /** One voice for every language: the hosted models read Chinese and English alike. */
  voiceKey(_text: string): string {
    return `${this.model}|${this.voice}|${this.options.speed ?? 1}|${this.sampleRate}`;
  }

  async synthesize(text: string, { signal }: SynthesizeOptions): Promise<Pcm> {
    if (signal.aborted) throw abortedError(signal, this.name);
    let response: Response;
    let body: Buffer;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        },
        body: JSON.stringify(this.requestBody(text)),
        signal,
      });
      body = await readBody(response);
    } catch (error) {
      if (error instanceof TtsError) throw error;
      if (signal.aborted) throw abortedError(signal, this.name);
      throw new TtsError('unavailable', `speech request failed (${causeCode(error)})`, {
        retryable: true,
        cause: error,
      });
    }
    if (!response.ok) throw httpError(response.status, body);
    if (body.length === 0)
      throw new TtsError('empty_output', 'speech service sent no audio', { retryable: false, statusCode: 200 });
    const pcm = trimSilence(this.decode(body, response.headers.get('content-type')));
    if (pcm.samples.length === 0)
      throw new TtsError('empty_output', 'speech service sent only silence', { retryable: false, statusCode: 200 });
    return pcm;
  }

  private requestBody(text: string): Record<string, unknown> {
    return {
      model: this.model,
      input: text,
      voice: this.voice,
      response_format: 'pcm',
      sample_rate: this.sampleRate,
      ...(this.options.speed === undefined ? {} : { speed: this.options.speed }),
    };
  }

  private decode(body: Buffer, contentType: string | null): Pcm {
    if (!WAV_TYPES.test(contentType ?? ''))
      // An odd byte would split a sample.
      return { sampleRate: this.sampleRate, samples: body.subarray(0, body.length - (body.length % 2)) };
    try {
      return parseWav(body);
    } catch (error) {
      if (error instanceof WavFormatError)
        throw new TtsError('bad_output', `speech service: ${error.message}`, { retryable: false, cause: error });
      throw error;
    }
  }
}

/** `https://host/v1/` → `https://host/v1/audio/speech`. */
export function speechUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/audio/speech`;
}

async function readBody(response: Response): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  if (!response.body) return Buffer.alloc(0);
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    if (bytes > MAX_BODY_BYTES) {
      await response.body.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks, bytes);
}

function tooLarge(): TtsError {
  return new TtsError('bad_output', `speech reply is larger than ${MAX_BODY_BYTES} bytes`, { retryable: false });
}

/**
 * The status and the provider's error `code`/`type` only: a provider's message may quote the input, and
 * spoken text stays out of errors and logs.
 */
function httpError(status: number, body: Buffer): TtsError {
  let kind: string | undefined;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: { code?: unknown; type?: unknown } } | null;
    const value = parsed?.error?.code ?? parsed?.error?.type;
    if (typeof value === 'string' && /^[\w.-]{1,64}$/.test(value)) kind = value;
  } catch {
    // Not JSON: the status says enough.
  }
  return new TtsError('engine_failed', `speech service answered ${status}${kind ? ` (${kind})` : ''}`, {
    retryable: isRetryableStatus(status),
    statusCode: status,
  });
}
