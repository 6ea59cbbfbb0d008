import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The `dh_` metrics named in the contract (section 6) and the service-specific ones, defined in one place so
 * dashboards, alerts and tests agree on names, labels and buckets.
 */
export class ServiceMetrics {
  readonly registry = new Registry();

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }

  private readonly memo = new Map<string, unknown>();
  private once<T>(name: string, make: () => T): T {
    if (!this.memo.has(name)) this.memo.set(name, make());
    return this.memo.get(name) as T;
  }

  /** Message in -> first audio frame out, as media sees it. */
  get turnLatency(): Histogram<'input'> {
    return this.once(
      'turnLatency',
      () =>
        new Histogram({
          name: 'dh_turn_latency_seconds',
          help: 'Time from a guest message arriving to the first audio frame of its answer',
          labelNames: ['input'],
          buckets: [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8, 13],
          registers: [this.registry],
        }),
    );
  }

  /** The turn latency minus the LLM's and the TTS engine's own time: what this project adds. */
  get turnOverhead(): Histogram<'input'> {
    return this.once(
      'turnOverhead',
      () =>
        new Histogram({
          name: 'dh_turn_overhead_seconds',
          help: 'Turn latency minus LLM time to the first sentence and its synthesis time',
          labelNames: ['input'],
          buckets: [0.005, 0.01, 0.02, 0.04, 0.08, 0.15, 0.3, 0.6, 1.2],
          registers: [this.registry],
        }),
    );
  }

  get turns(): Counter<'outcome'> {
    return this.once(
      'turns',
      () =>
        new Counter({
          name: 'dh_turns_total',
          help: 'Answers given, by how they came about',
          labelNames: ['outcome'],
          registers: [this.registry],
        }),
    );
  }

  get llmTokens(): Counter<'kind'> {
    return this.once(
      'llmTokens',
      () =>
        new Counter({
          name: 'dh_llm_tokens_total',
          help: 'DeepSeek tokens by kind: cache_hit, cache_miss (prompt) and completion',
          labelNames: ['kind'],
          registers: [this.registry],
        }),
    );
  }

  get llmCost(): Counter {
    return this.once(
      'llmCost',
      () =>
        new Counter({
          name: 'dh_llm_cost_cny_total',
          help: 'DeepSeek spend in CNY, from the configured prices per million tokens',
          registers: [this.registry],
        }),
    );
  }

  /** From the spend ledger in Redis, so it survives restarts and every dialogue replica shows the same figure. */
  get llmMonthCost(): Gauge {
    return this.once(
      'llmMonthCost',
      () =>
        new Gauge({
          name: 'dh_llm_month_cost_cny',
          help: 'DeepSeek spend this calendar month in CNY (BUDGET_TIME_ZONE), from the shared ledger',
          registers: [this.registry],
        }),
    );
  }

  get llmBudget(): Gauge {
    return this.once(
      'llmBudget',
      () =>
        new Gauge({
          name: 'dh_llm_budget_cny',
          help: 'Monthly DeepSeek budget in CNY (MONTHLY_LLM_BUDGET_CNY)',
          registers: [this.registry],
        }),
    );
  }

  get llmRequests(): Counter<'result'> {
    return this.once(
      'llmRequests',
      () =>
        new Counter({
          name: 'dh_llm_requests_total',
          help: 'LLM attempts by result (ok, retry, failed, circuit_open)',
          labelNames: ['result'],
          registers: [this.registry],
        }),
    );
  }

  get guests(): Gauge {
    return this.once(
      'guests',
      () => new Gauge({ name: 'dh_guests', help: 'Guests connected, all rooms together', registers: [this.registry] }),
    );
  }

  get streamPending(): Gauge<'stream'> {
    return this.once(
      'streamPending',
      () =>
        new Gauge({
          name: 'dh_stream_pending',
          help: 'Entries delivered to this consumer group and not yet acknowledged',
          labelNames: ['stream'],
          registers: [this.registry],
        }),
    );
  }

  get deadLetters(): Counter<'stream'> {
    return this.once(
      'deadLetters',
      () =>
        new Counter({
          name: 'dh_dead_letters_total',
          help: 'Entries moved to a dead-letter stream after too many deliveries or a malformed body',
          labelNames: ['stream'],
          registers: [this.registry],
        }),
    );
  }

  get ttsSynthesis(): Histogram<'engine'> {
    return this.once(
      'ttsSynthesis',
      () =>
        new Histogram({
          name: 'dh_tts_synthesis_seconds',
          help: 'Time a TTS engine took for one sentence',
          labelNames: ['engine'],
          buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
          registers: [this.registry],
        }),
    );
  }

  get ttsCache(): Counter<'result'> {
    return this.once(
      'ttsCache',
      () =>
        new Counter({
          name: 'dh_tts_cache_total',
          help: 'TTS cache lookups by result (hit, miss)',
          labelNames: ['result'],
          registers: [this.registry],
        }),
    );
  }

  get ttsJobs(): Counter<'result'> {
    return this.once(
      'ttsJobs',
      () =>
        new Counter({
          name: 'dh_tts_jobs_total',
          help: 'TTS jobs by result (ok, retry, failed)',
          labelNames: ['result'],
          registers: [this.registry],
        }),
    );
  }

  get rooms(): Gauge {
    return this.once(
      'rooms',
      () => new Gauge({ name: 'dh_avatar_rooms', help: 'Rooms the avatar is in', registers: [this.registry] }),
    );
  }

  get joins(): Counter<'result'> {
    return this.once(
      'joins',
      () =>
        new Counter({
          name: 'dh_joins_total',
          help: 'Join requests by result (ok, invalid, passcode, rate_limited, full, unavailable)',
          labelNames: ['result'],
          registers: [this.registry],
        }),
    );
  }

  get chatMessages(): Counter<'result'> {
    return this.once(
      'chatMessages',
      () =>
        new Counter({
          name: 'dh_chat_messages_total',
          help: 'lk.chat messages by result (accepted, empty, ignored)',
          labelNames: ['result'],
          registers: [this.registry],
        }),
    );
  }

  /** Utterances the avatar heard, by what became of them (answered, empty transcript, blip, stt_failed, ignored). */
  get voiceUtterances(): Counter<'result'> {
    return this.once(
      'voiceUtterances',
      () =>
        new Counter({
          name: 'dh_voice_utterances_total',
          help: 'Guest utterances found by the VAD, by result (answered, ignored, empty, stt_failed, failed)',
          labelNames: ['result'],
          registers: [this.registry],
        }),
    );
  }

  /** One speech-to-text request, retries included. */
  get sttDuration(): Histogram<'result'> {
    return this.once(
      'sttDuration',
      () =>
        new Histogram({
          name: 'dh_stt_duration_seconds',
          help: 'Speech-to-text time per segment, retries included',
          labelNames: ['result'],
          buckets: [0.1, 0.2, 0.4, 0.7, 1, 1.5, 2.5, 4, 8],
          registers: [this.registry],
        }),
    );
  }

  /** VAD windows (32 ms of one guest's audio), by whether the model ran or the energy gate skipped it. */
  get vadWindows(): Counter<'outcome'> {
    return this.once(
      'vadWindows',
      () =>
        new Counter({
          name: 'dh_vad_windows_total',
          help: 'Voice activity windows of 32 ms, by outcome (inferred, skipped_quiet)',
          labelNames: ['outcome'],
          registers: [this.registry],
        }),
    );
  }

  /** Answers a guest spoke over. */
  get bargeIns(): Counter {
    return this.once(
      'bargeIns',
      () =>
        new Counter({
          name: 'dh_barge_ins_total',
          help: 'Answers interrupted because a guest started speaking',
          registers: [this.registry],
        }),
    );
  }

  /** Sentences handed from one TTS engine to the next (failed or skipped while unhealthy). */
  get ttsFallbacks(): Counter<'from' | 'to'> {
    return this.once(
      'ttsFallbacks',
      () =>
        new Counter({
          name: 'dh_tts_fallbacks_total',
          help: 'Sentences a TTS engine handed to the next one in the fallback chain, by from and to engine',
          labelNames: ['from', 'to'],
          registers: [this.registry],
        }),
    );
  }
}
