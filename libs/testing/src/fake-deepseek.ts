import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer } from './loopback-server.js';

/** Token counts a scripted stream reports; any left out are estimated from the request. */
export interface FakeUsage {
  prompt_cache_hit_tokens: number;
  prompt_cache_miss_tokens: number;
  completion_tokens: number;
}

/** A streamed answer: `text` cut into chunks of `chunkChars` (default 4), `delayMs` apart (default 5). */
export interface FakeStreamReply {
  stream: string;
  chunkChars?: number;
  /** Before the first content chunk (the role chunk and a keep-alive go out at once). Default 0. */
  firstDelayMs?: number;
  delayMs?: number;
  usage?: Partial<FakeUsage>;
  /** Streamed first as `reasoning_content` deltas, as DeepSeek does in thinking mode. */
  reasoning?: string;
}

/** An HTTP error with DeepSeek's JSON body; `retryAfterS` adds a Retry-After header. */
export interface FakeErrorReply {
  error: number;
  message?: string;
  retryAfterS?: number;
}

/** Streams the first `afterChars` characters of `text` (default: the default answer), then goes silent. */
export interface FakeStallReply {
  stall: true;
  afterChars: number;
  text?: string;
  chunkChars?: number;
}

/** Accepts the request and never answers. */
export interface FakeHangReply {
  hang: true;
}

export type FakeReply = FakeStreamReply | FakeErrorReply | FakeStallReply | FakeHangReply;

export interface FakeChatMessage {
  role: string;
  content: string;
}

/** One request as received. */
export interface FakeRequest {
  path: string;
  authorization: string | undefined;
  /** The parsed JSON body (model, messages, stream, thinking, ...). */
  body: {
    model?: string;
    messages?: FakeChatMessage[];
    stream?: boolean;
    stream_options?: { include_usage?: boolean };
    thinking?: { type?: string };
    max_tokens?: number;
    [key: string]: unknown;
  };
  at: number;
  /** When the client hung up before the answer was complete (it gave up, or aborted the stream). */
  abandonedAt?: number;
}

export type FakeReplyBuilder = (request: FakeRequest) => FakeReply | string;

export interface FakeDeepSeekOptions {
  /** When set, any other bearer token gets 401 like the real API. */
  apiKey?: string;
}

const ERROR_TYPES: Record<number, [type: string, code: string]> = {
  400: ['invalid_request_error', 'invalid_request'],
  401: ['authentication_error', 'invalid_api_key'],
  402: ['invalid_request_error', 'insufficient_balance'],
  403: ['permission_error', 'forbidden'],
  404: ['invalid_request_error', 'model_not_found'],
  422: ['invalid_request_error', 'invalid_parameters'],
  429: ['rate_limit_error', 'rate_limit_reached'],
  500: ['api_error', 'server_error'],
  503: ['api_error', 'server_overloaded'],
};

// DeepSeek's prompt cache works in units of 64 tokens; the fake counts characters as tokens.
const CACHE_UNIT = 64;

/**
 * A local stand-in for DeepSeek's OpenAI-compatible chat API on 127.0.0.1 (port 0): `POST /chat/completions`
 * and `/v1/chat/completions`, SSE streaming exactly as the real one (role chunk, content chunks, a finish
 * chunk, a usage chunk when `stream_options.include_usage`, `data: [DONE]`, `: keep-alive` comments).
 * Replies come from a FIFO of scripts, else from the default builder (a cheerful two-sentence answer that
 * echoes the last user message), so end-to-end tests need no script at all.
 */
export class FakeDeepSeek {
  readonly requests: FakeRequest[] = [];
  private readonly http = new LoopbackServer((req, res) => void this.onRequest(req, res));
  private readonly script: FakeReply[] = [];
  private builder: FakeReplyBuilder = defaultAnswer;
  private readonly prompts: string[] = [];

  constructor(private readonly options: FakeDeepSeekOptions = {}) {}

  /** Base URL to pass as DEEPSEEK_BASE_URL. */
  get url(): string {
    return `http://127.0.0.1:${this.http.port}`;
  }

  async start(): Promise<this> {
    await this.http.start();
    return this;
  }

  /** Closes the server and every open connection, hanging and stalled ones included. */
  async stop(): Promise<void> {
    await this.http.stop();
  }

  /** Scripts the next replies, first in first out. */
  enqueue(...replies: FakeReply[]): void {
    this.script.push(...replies);
  }

  /** Replaces the default reply (a string is streamed as the answer). */
  setDefault(builder: FakeReplyBuilder): void {
    this.builder = builder;
  }

  /** Forgets scripts and recorded requests and restores the default reply. */
  reset(): void {
    this.script.length = 0;
    this.requests.length = 0;
    this.builder = defaultAnswer;
  }

  get pending(): number {
    return this.script.length;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const raw = await readBody(req);
    if (req.method !== 'POST' || (path !== '/chat/completions' && path !== '/v1/chat/completions')) {
      return sendError(res, 404, `no route for ${req.method} ${path}`);
    }
    let body: FakeRequest['body'];
    try {
      body = JSON.parse(raw) as FakeRequest['body'];
    } catch {
      return sendError(res, 400, 'request body is not valid JSON');
    }
    const request: FakeRequest = { path, authorization: req.headers.authorization, body, at: Date.now() };
    this.requests.push(request);
    if (this.options.apiKey !== undefined && request.authorization !== `Bearer ${this.options.apiKey}`) {
      return sendError(res, 401, 'Authentication Fails, Your api key is invalid');
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return sendError(res, 400, 'messages must be a non-empty array');
    }
    const scripted = this.script.shift();
    const built = scripted ?? this.builder(request);
    const reply: FakeReply = typeof built === 'string' ? { stream: built } : built;

    if ('hang' in reply) return; // the socket stays open until the client gives up or stop()
    if ('error' in reply) return sendError(res, reply.error, reply.message, reply.retryAfterS);
    if ('stall' in reply) {
      const full = reply.text ?? defaultText(request);
      return this.streamReply(res, request, {
        text: Array.from(full).slice(0, reply.afterChars).join(''),
        chunkChars: reply.chunkChars ?? 4,
        firstDelayMs: 0,
        delayMs: 5,
        end: false,
      });
    }
    if (body.stream !== true) return this.completeReply(res, request, reply);
    return this.streamReply(res, request, {
      text: reply.stream,
      chunkChars: reply.chunkChars ?? 4,
      firstDelayMs: reply.firstDelayMs ?? 0,
      delayMs: reply.delayMs ?? 5,
      usage: reply.usage,
      reasoning: reply.reasoning,
      end: true,
    });
  }

  private streamReply(
    res: ServerResponse,
    request: FakeRequest,
    plan: {
      text: string;
      chunkChars: number;
      firstDelayMs: number;
      delayMs: number;
      usage?: Partial<FakeUsage>;
      reasoning?: string;
      end: boolean;
    },
  ): void {
    const id = randomUUID();
    const created = Math.floor(Date.now() / 1000);
    const model = request.body.model ?? 'deepseek-flash';
    const chunk = (delta: object, finish: string | null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: 'fp_fake',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
    const cut = (text: string) => {
      const all = Array.from(text);
      const out: string[] = [];
      for (let i = 0; i < all.length; i += plan.chunkChars) out.push(all.slice(i, i + plan.chunkChars).join(''));
      return out;
    };
    const chars = Array.from(plan.text);
    const deltas: object[] = [
      ...cut(plan.reasoning ?? '').map((piece) => ({ reasoning_content: piece, content: null })),
      ...cut(plan.text).map((piece) => ({ content: piece })),
    ];

    res.once('close', () => {
      if (!res.writableEnded) request.abandonedAt = Date.now();
    });
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const send = (data: object | string) =>
      res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
    res.write(': keep-alive\n\n');
    send(chunk({ role: 'assistant', content: '' }, null));

    let index = 0;
    const next = () => {
      if (res.destroyed || res.writableEnded) return;
      if (index < deltas.length) {
        // DeepSeek interleaves keep-alive comments while it works; the client must skip them.
        if (index > 0 && index % 5 === 0) res.write(': keep-alive\n\n');
        send(chunk(deltas[index++]!, null));
        this.http.later(next, plan.delayMs);
        return;
      }
      if (!plan.end) return; // stalled: the socket stays open, nothing more comes
      send(chunk({ content: '' }, 'stop'));
      if (request.body.stream_options?.include_usage) {
        send({
          id,
          object: 'chat.completion.chunk',
          created,
          model,
          system_fingerprint: 'fp_fake',
          choices: [],
          usage: this.usageFor(request, chars.length, plan.usage),
        });
      }
      send('[DONE]');
      res.end();
    };
    this.http.later(next, plan.firstDelayMs);
  }

  private completeReply(res: ServerResponse, request: FakeRequest, reply: FakeStreamReply): void {
    const usage = this.usageFor(request, Array.from(reply.stream).length, reply.usage);
    const body = {
      id: randomUUID(),
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.body.model ?? 'deepseek-flash',
      system_fingerprint: 'fp_fake',
      choices: [
        { index: 0, message: { role: 'assistant', content: reply.stream }, logprobs: null, finish_reason: 'stop' },
      ],
      usage,
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  /** Prompt tokens (characters here) that repeat an earlier request's prefix count as cache hits. */
  private usageFor(request: FakeRequest, completion: number, given: Partial<FakeUsage> = {}) {
    const prompt = JSON.stringify(request.body.messages ?? []);
    let common = 0;
    for (const earlier of this.prompts) common = Math.max(common, commonPrefix(earlier, prompt));
    this.prompts.push(prompt);
    const hit = given.prompt_cache_hit_tokens ?? Math.floor(common / CACHE_UNIT) * CACHE_UNIT;
    const miss = given.prompt_cache_miss_tokens ?? prompt.length - hit;
    const completionTokens = given.completion_tokens ?? completion;
    return {
      prompt_tokens: hit + miss,
      completion_tokens: completionTokens,
      total_tokens: hit + miss + completionTokens,
      prompt_cache_hit_tokens: hit,
      prompt_cache_miss_tokens: miss,
    };
  }
}

/** The text of the default answer: two cheerful sentences around the guest's last message. */
export function defaultText(request: FakeRequest): string {
  const messages = request.body.messages ?? [];
  const last = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  return `好的，我听到你说：${last}。我是开心，很高兴和你聊天！`;
}

function defaultAnswer(request: FakeRequest): FakeReply {
  return { stream: defaultText(request) };
}

function sendError(res: ServerResponse, status: number, message?: string, retryAfterS?: number): void {
  const [type, code] = ERROR_TYPES[status] ?? ['api_error', `status_${status}`];
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (retryAfterS !== undefined) headers['retry-after'] = String(retryAfterS);
  res
    .writeHead(status, headers)
    .end(JSON.stringify({ error: { message: message ?? `fake error ${status}`, type, code } }));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
