import { isRetryableStatus, parseRetryAfterMs, retryDelayMs } from '@dh/runtime';
import type { SttAudio, SttEngine, SttResult, TranscribeOptions } from './stt-engine.js';
import { SttError } from './stt-error.js';
import { encodeWav } from './wav.js';

export interface OpenAiSttOptions {
  /** Up to the API version, e.g. `https://api.openai.com/v1`; `/audio/transcriptions` is appended as it is. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`; a local server (whisper.cpp, faster-whisper) may need none. */
  apiKey?: string;
  /** e.g. `whisper-1`, `gpt-4o-mini-transcribe`. */
  model: string;
  /** ISO-639-1 (`zh`, `en`); left out, the service detects the language itself. */
  language?: string;
  /** Per attempt, from sending the request to the last byte of the answer. Default 10 000. */
  timeoutMs?: number;
  /** Attempts in all, the first included. Default 3. */
  maxAttempts?: number;
  /** The first retry waits up to this long, each further one up to twice as long as the one before. Default 200. */
  retryBaseMs?: number;
}

export const OPENAI_STT_DEFAULTS = {
  timeoutMs: 10_000,
  maxAttempts: 3,
  retryBaseMs: 200,
} as const satisfies Required<Pick<OpenAiSttOptions, 'timeoutMs' | 'maxAttempts' | 'retryBaseMs'>>;

// A provider's error message is worth seeing in a log line, but not at any length.
const MAX_PROVIDER_MESSAGE_CHARS = 200;

/**
 * Speech to text through any OpenAI-compatible `POST /audio/transcriptions` (OpenAI, Groq, SiliconFlow,
 * a local whisper server): the audio goes up as a WAV file in a multipart form, the text comes back as JSON.
 * Network errors, time-outs, 408, 429 and 5xx are retried with jittered backoff; other statuses are final.
 */
export class OpenAiSttEngine implements SttEngine {
  readonly name = 'openai';
  private readonly url: string;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;

  constructor(
    private readonly options: OpenAiSttOptions,
    /** Injected in tests; Math.random otherwise. */
    private readonly random: () => number = Math.random,
  ) {
    this.url = transcriptionsUrl(options.baseUrl);
    this.timeoutMs = options.timeoutMs ?? OPENAI_STT_DEFAULTS.timeoutMs;
    this.maxAttempts = options.maxAttempts ?? OPENAI_STT_DEFAULTS.maxAttempts;
    this.retryBaseMs = options.retryBaseMs ?? OPENAI_STT_DEFAULTS.retryBaseMs;
    if (!(this.timeoutMs > 0)) throw new RangeError('timeoutMs must be positive');
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1)
      throw new RangeError('maxAttempts must be a whole number of at least 1');
    if (!(this.retryBaseMs >= 0)) throw new RangeError('retryBaseMs must not be negative');
  }

  async transcribe(audio: SttAudio, { signal }: TranscribeOptions = {}): Promise<SttResult> {
    const started = performance.now();
    const wav = new Blob([encodeWav(audio.pcm, audio.sampleRate)], { type: 'audio/wav' });
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortedError();
      try {
        const text = await this.attempt(wav, signal);
        return { text, durationMs: Math.round(performance.now() - started) };
      } catch (caught) {
        const error =
          caught instanceof SttError
            ? caught
            : new SttError('network', 'transcription failed unexpectedly', { retryable: true, cause: caught });
        if (!error.retryable || attempt >= this.maxAttempts) throw error;
        await sleep(retryDelayMs(attempt, this.retryBaseMs, error.retryAfterMs, this.random), signal);
      }
    }
  }

  private async attempt(wav: Blob, signal: AbortSignal | undefined): Promise<string> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });

    let response: Response;
    let body: string;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {},
        body: this.form(wav),
        signal: controller.signal,
      });
      body = await response.text();
    } catch (error) {
      if (signal?.aborted) throw abortedError();
      if (timedOut)
        throw new SttError('timeout', `no transcription within ${this.timeoutMs} ms`, {
          retryable: true,
          cause: error,
        });
      throw new SttError('network', `transcription request failed (${causeCode(error)})`, {
        retryable: true,
        cause: error,
      });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    if (!response.ok) throw httpError(response, body);
    return readText(body);
  }

  private form(wav: Blob): FormData {
    const form = new FormData();
    form.append('file', wav, 'speech.wav');
    form.append('model', this.options.model);
    if (this.options.language) form.append('language', this.options.language);
    form.append('response_format', 'json');
    return form;
  }
}

/** `https://host/v1/` → `https://host/v1/audio/transcriptions`; the base may or may not carry `/v1`. */
export function transcriptionsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/audio/transcriptions`;
}

function httpError(response: Response, body: string): SttError {
  const status = response.status;
  const retryable = isRetryableStatus(status);
  const detail = providerMessage(body);
  return new SttError('http', `transcription service answered ${status}${detail ? `: ${detail}` : ''}`, {
    retryable,
    statusCode: status,
    retryAfterMs: retryable ? parseRetryAfterMs(response.headers) : undefined,
  });
}

/** The `error.message` of an OpenAI error body, shortened; undefined for any other body. */
function providerMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } } | null;
    const message = parsed?.error?.message;
    return typeof message === 'string' ? message.slice(0, MAX_PROVIDER_MESSAGE_CHARS) : undefined;
  } catch {
    return undefined;
  }
}

/** The body must be `{ "text": string }`; the error never quotes the body, which may hold what was said. */
function readText(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new SttError('bad_response', 'transcription reply is not JSON', { retryable: false, cause: error });
  }
  const text = typeof parsed === 'object' && parsed !== null ? (parsed as { text?: unknown }).text : undefined;
  if (typeof text !== 'string')
    throw new SttError('bad_response', 'transcription reply has no text field', { retryable: false });
  return text.trim();
}

function abortedError(): SttError {
  return new SttError('aborted', 'transcription aborted by the caller', { retryable: false });
}

/** undici reports `fetch failed` and keeps the reason (ECONNREFUSED, UND_ERR_SOCKET...) in its cause. */
function causeCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : error instanceof Error ? error.name : 'unknown';
}

/** Resolves after `ms`; rejects with the `aborted` SttError as soon as the signal aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(abortedError());
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
