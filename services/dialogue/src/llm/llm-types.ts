export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** DeepSeek's usage fields: prompt tokens split by whether its prompt cache held them. */
export interface LlmUsage {
  cacheHitTokens: number;
  cacheMissTokens: number;
  completionTokens: number;
}

export type LlmEvent = { type: 'text'; text: string } | { type: 'usage'; usage: LlmUsage };

export interface LlmClientOptions {
  apiKey: string;
  /** OpenAI-compatible base URL, e.g. https://api.deepseek.com. */
  baseUrl: string;
  model: string;
  /** Sent as `thinking: {type}`; 'disabled' for conversation. */
  thinking: 'disabled' | 'enabled';
  /** Request start -> first token, per attempt. */
  firstTokenTimeoutMs: number;
  /** Longest silence between chunks once tokens flow. */
  idleTimeoutMs: number;
  /** Attempts including the first; retries happen only before the first token. */
  maxAttempts: number;
  /** Base of the jittered exponential backoff. */
  retryBaseMs: number;
  maxTokens: number;
}

/** What the client reports about each attempt (a metric in the service, a list in tests). */
export type AttemptResult = 'ok' | 'retry' | 'failed';
