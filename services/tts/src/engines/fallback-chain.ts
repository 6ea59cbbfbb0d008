import type { Pcm } from '@dh/contracts';
import { EngineHealth, type EngineHealthOptions } from './engine-health.js';
import type { SynthesizeOptions, TtsEngine } from './tts-engine.js';
import { TtsError, type TtsErrorCode, abortedError } from './tts-error.js';

export interface FallbackEvent {
  from: string;
  to: string;
  /** The error code of the engine that failed, or `unhealthy` when it was skipped without being asked. */
  reason: TtsErrorCode | 'unhealthy';
}

export interface FallbackChainOptions extends EngineHealthOptions {
  /**
   * Longest one engine may take before the next is asked; the last engine has only the caller's signal.
   * Default 5 000.
   */
  attemptTimeoutMs?: number;
  /** Called each time the chain hands a sentence from one engine to the next. */
  onFallback?: (event: FallbackEvent) => void;
  /** Called when an engine starts being skipped after its failures. */
  onUnhealthy?: (engine: string) => void;
}

export const FALLBACK_CHAIN_DEFAULTS = {
  attemptTimeoutMs: 5_000,
} as const satisfies Required<Pick<FallbackChainOptions, 'attemptTimeoutMs'>>;

/** A sentence's audio and the engine that actually spoke it (its name and voiceKey make the cache key). */
export interface Spoken {
  pcm: Pcm;
  engine: TtsEngine;
}

/**
 * Several engines in order of preference: when one fails (for any reason but a cancellation) or is unhealthy,
 * the next one speaks. Each engine has its own breaker (EngineHealth). The last engine (espeak) is asked even
 * when unhealthy, so a sentence never goes without a try.
 */
export class FallbackChain implements TtsEngine {
  readonly engines: readonly TtsEngine[];
  private readonly health: EngineHealth[];
  private readonly attemptTimeoutMs: number;

  constructor(
    engines: readonly TtsEngine[],
    private readonly options: FallbackChainOptions = {},
  ) {
    if (engines.length === 0) throw new RangeError('a fallback chain needs at least one engine');
    this.engines = engines;
    this.health = engines.map(() => new EngineHealth(options));
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? FALLBACK_CHAIN_DEFAULTS.attemptTimeoutMs;
  }

  private get preferred(): TtsEngine {
    return this.engines[0]!;
  }

  get name(): string {
    return this.preferred.name;
  }

  get sampleRate(): number {
    return this.preferred.sampleRate;
  }

  voiceKey(text: string): string {
    return this.preferred.voiceKey(text);
  }

  /** Whether the engine of that name would be asked now (false while it cools down). */
  isHealthy(name: string): boolean {
    const index = this.engines.findIndex((engine) => engine.name === name);
    return index >= 0 && this.health[index]!.healthy;
  }

  /**
   * The engines whose cached audio may serve a sentence, best first: the preferred engine, and only while it is
   * unhealthy the ones after it, up to the first healthy one (the one that would speak now).
   */
  lookupOrder(): TtsEngine[] {
    const order: TtsEngine[] = [];
    for (const [index, engine] of this.engines.entries()) {
      order.push(engine);
      if (this.health[index]!.healthy) break;
    }
    return order;
  }

  async synthesize(text: string, options: SynthesizeOptions): Promise<Pcm> {
    return (await this.speak(text, options)).pcm;
  }

  /** Rejects with the last engine's TtsError when every engine failed, or `aborted`/`timeout` from the signal. */
  async speak(text: string, { signal }: SynthesizeOptions): Promise<Spoken> {
    const last = this.engines.length - 1;
    for (const [index, engine] of this.engines.entries()) {
      if (signal.aborted) throw abortedError(signal, engine.name);
      const health = this.health[index]!;
      const next = this.engines[index + 1];
      if (!health.tryAcquire() && next) {
        this.options.onFallback?.({ from: engine.name, to: next.name, reason: 'unhealthy' });
        continue;
      }
      // Not AbortSignal.timeout: its timer stays behind after the attempt and does not hold the process open.
      const deadline = new AbortController();
      const timer = next
        ? setTimeout(() => deadline.abort(new DOMException('engine time-out', 'TimeoutError')), this.attemptTimeoutMs)
        : undefined;
      try {
        const attemptSignal = next ? AbortSignal.any([signal, deadline.signal]) : signal;
        const pcm = await engine.synthesize(text, { signal: attemptSignal });
        health.succeeded();
        return { pcm, engine };
      } catch (caught) {
        const error =
          caught instanceof TtsError
            ? caught
            : new TtsError('engine_failed', `${engine.name} failed unexpectedly`, { retryable: true, cause: caught });
        // The caller's cancellation or time-out ends the sentence; no other engine has time left either.
        if (signal.aborted || error.code === 'aborted') {
          health.released();
          throw signal.aborted ? abortedError(signal, engine.name) : error;
        }
        this.record(index, error);
        if (index === last || !next) throw error;
        this.options.onFallback?.({ from: engine.name, to: next.name, reason: error.code });
      } finally {
        clearTimeout(timer);
      }
    }
    // Unreachable: the last engine either returns or throws above.
    throw new TtsError('unavailable', 'no engine could speak', { retryable: true });
  }

  private record(index: number, error: TtsError): void {
    const health = this.health[index]!;
    // Text an engine cannot voice (punctuation only) says nothing about the engine's health.
    if (error.code === 'empty_output') return health.released();
    const wasHealthy = health.healthy;
    health.failed();
    if (wasHealthy && !health.healthy) this.options.onUnhealthy?.(this.engines[index]!.name);
  }
}
