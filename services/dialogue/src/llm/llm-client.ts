import type OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { parseRetryAfterMs, retryDelayMs } from '@dh/runtime';
import {
  LlmAbortedError,
  LlmConnectionError,
  LlmError,
  LlmHttpError,
  LlmStreamError,
  LlmTimeoutError,
} from './llm-errors.js';
import type { AttemptResult, ChatMessage, LlmClientOptions, LlmEvent, LlmUsage } from './llm-types.js';

type OpenAiModule = typeof import('openai');

/** DeepSeek's request fields beyond the OpenAI schema. */
interface DeepSeekExtraBody {
  thinking: { type: 'disabled' | 'enabled' };
}

/** In thinking mode DeepSeek streams the reasoning before the answer, in a field of its own. */
interface DeepSeekDelta {
  reasoning_content?: string | null;
}

/** DeepSeek's usage object: OpenAI's fields plus the prompt-cache split. */
interface DeepSeekUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_cache_hit_tokens?: number;
  prompt_cache_miss_tokens?: number;
}

export interface StreamOptions {
  /** Aborting ends the request and throws LlmAbortedError. */
  signal?: AbortSignal;
  /** Told about every attempt (metrics, logs). */
  onAttempt?: (result: AttemptResult, error?: LlmError) => void;
}

/**
 * Streams a chat completion from an OpenAI-compatible endpoint (DeepSeek) through the `openai` SDK, with our
 * own policy instead of the SDK's: a first-token and an idle time-out per attempt, and retries with jittered
 * backoff only before the first token, so that a retry never repeats words the guest already heard.
 */
export class LlmClient {
  private sdk: Promise<{ module: OpenAiModule; client: OpenAI }> | undefined;

  constructor(
    private readonly options: LlmClientOptions,
    /** Injected in tests; Math.random otherwise. */
    private readonly random: () => number = Math.random,
  ) {}

  async *stream(messages: ChatMessage[], streamOptions: StreamOptions = {}): AsyncGenerator<LlmEvent, void, undefined> {
    const { signal, onAttempt } = streamOptions;
    for (let attempt = 1; ; attempt++) {
      let started = false;
      let reported = false;
      const report = (result: AttemptResult, error?: LlmError) => {
        reported = true;
        onAttempt?.(result, error);
      };
      try {
        for await (const event of this.attempt(messages, signal)) {
          if (event.type === 'text') started = true;
          yield event;
        }
        report('ok');
        return;
      } catch (caught) {
        const error = caught instanceof LlmError ? caught : new LlmConnectionError(String(caught), caught);
        if (error instanceof LlmAbortedError) throw error;
        if (started) {
          report('failed', error);
          throw error instanceof LlmStreamError ? error : new LlmStreamError(error);
        }
        if (!error.retryable || attempt >= this.options.maxAttempts || signal?.aborted) {
          report('failed', error);
          throw error;
        }
        report('retry', error);
        const retryAfterMs = error instanceof LlmHttpError ? error.retryAfterMs : undefined;
        await sleep(retryDelayMs(attempt, this.options.retryBaseMs, retryAfterMs, this.random), signal);
        if (signal?.aborted) throw new LlmAbortedError();
      } finally {
        // The caller stopped reading a stream that worked (its content filter struck): a good attempt.
        if (started && !reported && !signal?.aborted) report('ok');
      }
    }
  }

  private async *attempt(messages: ChatMessage[], outer?: AbortSignal): AsyncGenerator<LlmEvent, void, undefined> {
    const { module, client } = await this.load();
    const controller = new AbortController();
    let timedOut: LlmTimeoutError | undefined;
    let timer: NodeJS.Timeout | undefined;
    const arm = (phase: 'first_token' | 'idle', ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = new LlmTimeoutError(phase, ms);
        controller.abort(timedOut);
      }, ms);
    };
    const onOuterAbort = () => controller.abort(new LlmAbortedError());
    if (outer?.aborted) throw new LlmAbortedError();
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    arm('first_token', this.options.firstTokenTimeoutMs);

    let tokens = false; // any token, the model's reasoning included (thinking mode): the stream is alive
    let spoke = false; // answer text, which must never be repeated by a retry
    let finished = false;
    let usage: LlmUsage | undefined;
    try {
      const stream = await client.chat.completions.create(this.body(messages), { signal: controller.signal });
      // The SDK ends the iteration quietly when the signal aborts; `timedOut` and `outer` tell why afterwards.
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        const text = choice?.delta?.content;
        const reasoning = (choice?.delta as DeepSeekDelta | undefined)?.reasoning_content;
        if (text) spoke = true;
        if (text || reasoning) tokens = true;
        if (tokens) arm('idle', this.options.idleTimeoutMs);
        if (choice?.finish_reason) finished = true;
        if (chunk.usage) usage = readUsage(chunk);
        if (text) yield { type: 'text', text };
      }
    } catch (error) {
      if (timedOut) throw timedOut;
      if (outer?.aborted) throw new LlmAbortedError();
      throw classify(module, error);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    }
    if (timedOut) throw timedOut;
    if (outer?.aborted) throw new LlmAbortedError();
    if (!finished) {
      const reason = 'the stream ended before the answer did';
      throw spoke ? new LlmStreamError(reason) : new LlmConnectionError(reason);
    }
    if (usage) yield { type: 'usage', usage };
  }

  private body(messages: ChatMessage[]): ChatCompletionCreateParamsStreaming {
    const body: ChatCompletionCreateParamsStreaming & DeepSeekExtraBody = {
      model: this.options.model,
      messages,
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: this.options.maxTokens,
      // DeepSeek-only field, absent from the SDK's types; the SDK sends unknown body fields as they are.
      thinking: { type: this.options.thinking },
    };
    return body;
  }

  /** The SDK costs about 12 MB: an offline avatar (no key) never loads it. */
  private load(): Promise<{ module: OpenAiModule; client: OpenAI }> {
    this.sdk ??= import('openai').then((module) => ({
      module,
      client: new module.OpenAI({
        apiKey: this.options.apiKey,
        baseURL: this.options.baseUrl,
        // Retries and time-outs are ours (above); the SDK's would retry after tokens and wait ten minutes.
        maxRetries: 0,
        timeout: this.options.firstTokenTimeoutMs + this.options.idleTimeoutMs,
      }),
    }));
    return this.sdk;
  }
}

function readUsage(chunk: ChatCompletionChunk): LlmUsage {
  const usage = (chunk.usage ?? {}) as DeepSeekUsage;
  const hit = usage.prompt_cache_hit_tokens ?? 0;
  return {
    cacheHitTokens: hit,
    cacheMissTokens: usage.prompt_cache_miss_tokens ?? Math.max(0, (usage.prompt_tokens ?? 0) - hit),
    completionTokens: usage.completion_tokens ?? 0,
  };
}

function classify(module: OpenAiModule, error: unknown): LlmError {
  if (error instanceof LlmError) return error;
  if (error instanceof module.APIUserAbortError) return new LlmAbortedError();
  if (error instanceof module.APIConnectionTimeoutError) return new LlmConnectionError('request timed out', error);
  if (error instanceof module.APIConnectionError) return new LlmConnectionError('connection failed', error);
  if (error instanceof module.APIError) {
    if (typeof error.status === 'number') {
      return new LlmHttpError(
        error.status,
        `provider answered ${error.status}`,
        parseRetryAfterMs(error.headers as Headers | undefined),
      );
    }
    // An error object inside the event stream: the provider gave up on this request.
    return new LlmConnectionError('provider sent an error event', error);
  }
  return new LlmConnectionError(`reply unreadable: ${(error as Error)?.name ?? 'error'}`, error);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
